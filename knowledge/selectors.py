"""Reads of the knowledge base: what search and the public pages may show, what a person may see
in upkeep, and `point_search`, the one search every page, the API and the SMS keyword call."""
import html
import re
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from hotline.models import Role

from . import synonyms as synonym_store
from .models import KnowledgePoint
from .ranking import score
from .text import Query, parse_query

# How many points PostgreSQL hands the ranking (see _pg_candidates), at most TIER_ROWS a tier.
CANDIDATES = 60
TIER_ROWS = 100
MAX_DROPPED = 3  # words a tier may leave out before the bigrams are asked
COMMON_SHARE = 0.01
COMMON_SECONDS = 300
# The embedded default ranks every point that shares a word (a county's few hundred points).
FALLBACK_CANDIDATES = 3000
SNIPPET_CHARS = 90
CENTRE = (Role.SUPERVISOR, Role.ADMIN)
EMPTY = SafeString("")


def in_force(qs: QuerySet | None = None, *, today=None) -> QuerySet:
    """Published points inside their validity window today (null bounds are open)."""
    today = today or timezone.localdate()
    qs = KnowledgePoint.objects.all() if qs is None else qs
    return qs.filter(state=KnowledgePoint.State.PUBLISHED).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def searchable(audience: str | None = None) -> QuerySet:
    qs = in_force()
    if audience == KnowledgePoint.Audience.PUBLIC:
        qs = qs.filter(audience=KnowledgePoint.Audience.PUBLIC)
    return qs


def is_centre(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*CENTRE))


def points_visible_to(user) -> QuerySet:
    """The points a person may open in upkeep: the centre all; a unit's staff the points in force
    and every point of their own unit; other staff the points in force; anyone else none."""
    qs = KnowledgePoint.objects.select_related("category", "unit")
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_centre(user):
        return qs
    if user.role == Role.UNIT_STAFF and user.unit_id:
        return qs.filter(Q(pk__in=in_force().values("pk")) | Q(unit_id=user.unit_id))
    if user.role in (Role.OPERATOR, Role.LEADER):
        return in_force(qs)
    return qs.none()


def review_queue() -> QuerySet:
    """What waits for the centre: new points submitted, and changes to published points."""
    return (KnowledgePoint.objects.select_related("category", "unit")
            .filter(Q(state=KnowledgePoint.State.PENDING) | Q(revision__isnull=False))
            .order_by("updated_at", "id"))


def point_versions(point: KnowledgePoint) -> QuerySet:
    return point.versions.select_related("changed_by").order_by("-version", "-id")


@dataclass
class PointHit:
    point: KnowledgePoint
    score: float
    title_html: SafeString
    snippet_html: SafeString
    # The way of asking (常见问法) that shares most with the query, marked; "" when none shares a word.
    question_html: SafeString = EMPTY


def _lexeme(word: str, *, prefix: bool = False) -> str:
    # Words are [CJK a-z 0-9 . -] only (text.WORD), so quoting them is enough.
    return f"'{word}'" + (":*" if prefix else "")


_common: tuple[float, frozenset] = (0.0, frozenset())


def common_lexemes() -> frozenset:
    """The words more than COMMON_SHARE of the points hold (小区, 办理…), from the statistics
    PostgreSQL's ANALYZE keeps on the tsvector column (pg_stats.most_common_elems): read in a
    millisecond, once per COMMON_SECONDS per process. The near-miss tier leaves them out."""
    global _common
    if time.monotonic() - _common[0] < COMMON_SECONDS:
        return _common[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE tablename = 'knowledge_knowledgepoint' AND attname = 'search_vector'")
        row = cursor.fetchone()
    found = frozenset()
    if row and row[0]:
        found = frozenset(word for word, share in zip(row[0], row[1], strict=False) if share > COMMON_SHARE)
    _common = (time.monotonic(), found)
    return found


def _tiers(query: Query) -> list[str]:
    """The tsqueries of the tiers, strongest first: every word (and the word being typed, when it
    has two characters or more: one character begins thousands of words); every finished word;
    then the words less one, less two…, the shortest (most common) dropped first; last the
    query's rare bigrams (a near miss). A tier of common words only (小区 & 物业) is left out:
    PostgreSQL would read both words' whole posting lists for rows the other tiers find better;
    it runs only when nothing else found anything. Never an OR of common words. A word with
    synonyms is one group of alternatives."""
    common = common_lexemes()
    ranked = sorted(query.expanded.items(), key=lambda item: (-len(item[0]), item[0]))
    groups = [("(" + " | ".join(_lexeme(w) for w in sorted(alternatives)) + ")", alternatives <= common)
              for _, alternatives in ranked]
    tiers: list[tuple[str, bool]] = []
    if len(query.prefix) >= 2 and query.prefix not in query.expanded:
        tiers.append((" & ".join([*(g for g, _ in groups), _lexeme(query.prefix, prefix=True)]), False))
    for keep in range(len(groups), max(0, len(groups) - MAX_DROPPED), -1):
        tiers.append((" & ".join(g for g, _ in groups[:keep]), all(c for _, c in groups[:keep])))
    rare = [pair for pair in query.bigrams if pair not in common]
    if rare:
        tiers.append((" | ".join(_lexeme(pair) for pair in rare), False))
    tiers = list(dict.fromkeys(tiers))
    kept = [tsquery for tsquery, only_common in tiers if not only_common]
    spare = [tsquery for tsquery, only_common in tiers if only_common][:1]
    return kept + spare


def _only_common(tsquery: str) -> bool:
    words = re.findall(r"'([^']+)'", tsquery)
    return bool(words) and set(words) <= common_lexemes() and ":*" not in tsquery


def _pg_candidates(qs: QuerySet, query: Query) -> list[tuple[int, str]]:
    """Tier by tier, at most TIER_ROWS rows each in the index's order (no ranking in SQL: ranking
    thousands of near-equal matches is what made a 100,000-point search slow), until CANDIDATES
    are found; the ranking then orders them. A stronger tier's rows hold every word the query has,
    so the best points are among them."""
    found: dict[int, str] = {}
    tiers = _tiers(query)
    for index, tsquery in enumerate(tiers):
        if index and index == len(tiers) - 1 and found and _only_common(tsquery):
            break  # the spare tier of common words: only when nothing else found anything
        rows = (qs.alias(hit=RawSQL("search_vector @@ to_tsquery('simple', %s)", [tsquery],
                                    output_field=BooleanField()))
                .filter(hit=True).exclude(pk__in=list(found)).values_list("pk", "search_text")[:TIER_ROWS])
        found.update(rows)
        if len(found) >= CANDIDATES:
            break
    return list(found.items())


def _fallback_candidates(qs: QuerySet, query: Query) -> list[tuple[int, str]]:
    terms = {w for group in query.expanded.values() for w in group} | set(query.bigrams)
    if query.prefix:
        terms.add(query.prefix)
    if not terms:
        return []
    match = Q()
    for term in terms:
        match |= Q(search_text__contains=term)
    return list(qs.filter(match).values_list("pk", "search_text")[:FALLBACK_CANDIDATES])


def candidates(qs: QuerySet, query: Query) -> list[tuple[int, str]]:
    """The points that share a word with the query: (id, search_text). The only part that differs
    by database (docs/KNOWLEDGE.md)."""
    if connection.vendor == "postgresql":
        return _pg_candidates(qs, query)
    return _fallback_candidates(qs, query)


def highlight(text: str, marks: set[str]) -> SafeString:
    """`text` escaped, every occurrence of a mark wrapped in <mark> (longest first)."""
    marks = {m for m in marks if m}
    if not marks or not text:
        return mark_safe(html.escape(text or ""))
    pattern = re.compile("|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(html.escape(text[last:found.start()]))
        out.append(f"<mark>{html.escape(found.group())}</mark>")
        last = found.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))


def snippet(point: KnowledgePoint, marks: set[str]) -> str:
    """The part of the answer around its first marked word (or its start), on one line."""
    answer = re.sub(r"\s+", " ", point.answer or "").strip()
    lowered = answer.lower()
    positions = [lowered.find(m.lower()) for m in marks if m and m.lower() in lowered]
    start = max(0, min(positions) - 20) if positions else 0
    piece = answer[start:start + SNIPPET_CHARS]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(answer) else "")


def best_question(point: KnowledgePoint, marks: set[str]) -> str:
    lowered = [m.lower() for m in marks if m]
    best, best_count = "", 0
    for question in (point.questions or "").splitlines():
        count = sum(len(m) for m in lowered if m in question.lower())
        if count > best_count:
            best, best_count = question.strip(), count
    return best


def point_search(*, text: str, audience: str | None = None, limit: int = 5, category=None) -> list[PointHit]:
    """The points in force that best answer `text`, best first (audience="public": public ones
    only; category: that category or below it)."""
    query = parse_query(text or "", synonym_store.current())
    if query.empty or limit <= 0:
        return []
    qs = searchable(audience)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__full_name__startswith=f"{category.full_name}/"))
    scored = [(score(query, st), pk) for pk, st in candidates(qs, query)]
    scored = sorted((s, pk) for s, pk in scored if s > 0)
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[:limit]
    points = KnowledgePoint.objects.select_related("category", "unit").in_bulk([pk for _, pk in top])
    marks = query.highlight_words() | {pair for pair in query.bigrams}
    hits = []
    for value, pk in top:
        point = points[pk]
        hits.append(PointHit(point=point, score=value, title_html=highlight(point.title, marks),
                             snippet_html=highlight(snippet(point, marks), marks),
                             question_html=highlight(best_question(point, marks), marks)))
    return hits
