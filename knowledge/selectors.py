"""Reads of the knowledge base: what search and the public pages may show, what a person may see
in upkeep, and `point_search`, the one search every page, the API and the SMS keyword call."""
import html
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from hotline.models import Role

from . import synonyms as synonym_store
from .models import KnowledgePoint
from .ranking import score
from .text import Query, parse_query

# How many points the database hands the ranking: PostgreSQL picks them by its own weighted
# ts_rank (close to the ranking's order); the ranking then orders them by the one rule.
CANDIDATES = 60
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


def _pg_candidates(qs: QuerySet, query: Query) -> list[tuple[int, str]]:
    terms = sorted({w for group in query.expanded.values() for w in group} | set(query.bigrams))
    lexemes = [f"'{t}'" for t in terms if "'" not in t and "\\" not in t]
    if query.prefix:
        lexemes.append(f"'{query.prefix}':*")
    if not lexemes:
        return []
    tsquery = " | ".join(lexemes)
    inner, params = qs.values("pk").query.sql_with_params()
    sql = (f"SELECT id, search_text FROM knowledge_knowledgepoint WHERE id IN ({inner}) "
           "AND search_vector @@ to_tsquery('simple', %s) "
           "ORDER BY ts_rank('{0.1, 0.2, 0.5, 1.0}'::float4[], search_vector, to_tsquery('simple', %s)) DESC, id "
           f"LIMIT {CANDIDATES}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, tsquery, tsquery])
        return cursor.fetchall()


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
