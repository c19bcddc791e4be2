"""Hot topics: terms rising in a recent window compared with the weeks before it.

Each ticket contributes its few most distinctive terms (jieba TF-IDF over the title
and the start of the text) once. `KeywordDaily` keeps per-day counts by area and
first-level category, refreshed for recent days by the periodic task, so a query
sums a few thousand rows instead of segmenting tickets.
"""
import datetime as dt
import math
from collections import Counter

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from hotline.models import Category, Ticket, TicketState

from ..models import KeywordDaily
from ..rollup import day_start
from .text import ensure_ready, words

TERMS_PER_TICKET = 5
BASELINE_FACTOR = 4  # the baseline is the 4 windows before the current one
CONTENT_CHARS = 80


def default_tfidf():
    """jieba's IDF table, imported where terms are made (the worker's rollup), not with the
    URLconf: jieba.analyse loads the table and textrank's tagger at import, 97 MB that every web
    process carried (bench/README.md, 2026-12-05)."""
    import jieba.analyse

    return jieba.analyse.default_tfidf


def ticket_terms(title: str, content: str) -> list[str]:
    """The ticket's most distinctive terms by TF-IDF, title counted twice."""
    ensure_ready()
    head = words(title)
    tokens = head + head + words(content[:CONTENT_CHARS])
    if not tokens:
        return []
    tfidf = default_tfidf()
    idf, median = tfidf.idf_freq, tfidf.median_idf
    tf = Counter(tokens)
    ranked = sorted(tf, key=lambda w: -tf[w] * idf.get(w, median))
    return ranked[:TERMS_PER_TICKET]


def root_map() -> dict[int, int]:
    parents = dict(Category.objects.values_list("pk", "parent_id"))

    def root(pk):
        while parents.get(pk):
            pk = parents[pk]
        return pk

    return {pk: root(pk) for pk in parents}


def refresh_days(days: list[dt.date]) -> int:
    """Recount the terms of the tickets registered on each day; returns rows written."""
    roots = root_map()
    written = 0
    for day in days:
        counts: Counter = Counter()
        totals: Counter = Counter()
        tickets = (
            Ticket.objects.filter(created_at__gte=day_start(day), created_at__lt=day_start(day + dt.timedelta(days=1)))
            .exclude(state=TicketState.INVALID)
            .annotate(head=Substr("content", 1, CONTENT_CHARS))
            .values_list("title", "head", "area", "category_id")
        )
        for title, head, area, category_id in tickets.iterator(chunk_size=2000):
            cat1 = roots.get(category_id) if category_id else None
            for term in ticket_terms(title, head or ""):
                counts[(term[:40], (area or "")[:50], cat1)] += 1
                totals[term[:40]] += 1
        with transaction.atomic():
            KeywordDaily.objects.filter(day=day).delete()
            KeywordDaily.objects.bulk_create(
                [KeywordDaily(day=day, term=t, area=a, cat1_id=c, count=n) for (t, a, c), n in counts.items()]
                + [KeywordDaily(day=day, term=t, count=n, is_total=True) for t, n in totals.items()],
                batch_size=5000,
            )
        written += len(counts) + len(totals)
    cache.delete_many(list(_cached_keys))
    return written


def refresh_recent(days: int = 2, now: dt.datetime | None = None) -> int:
    today = timezone.localtime(now or timezone.now()).date()
    return refresh_days([today - dt.timedelta(days=i) for i in range(days)])


def _scope(qs, area: str = "", cat1_id: int | None = None):
    if not area and not cat1_id:
        return qs.filter(is_total=True)
    qs = qs.filter(is_total=False)
    if area:
        qs = qs.filter(area=area)
    if cat1_id:
        qs = qs.filter(cat1_id=cat1_id)
    return qs


CACHE_SECONDS = 300  # the counts change every 5 minutes at most
_cached_keys: set[str] = set()


def rising(*, days: int = 7, limit: int = 10, area: str = "", cat1_id: int | None = None,
           end: dt.date | None = None, min_count: int = 2) -> list[dict]:
    """Terms ranked by how far the window's count rises above what the baseline predicts
    (cached for CACHE_SECONDS; a keyword refresh clears this process's entries)."""
    end = end or timezone.localdate()
    key = f"reports:hot:{days}:{limit}:{area}:{cat1_id}:{end}:{min_count}"
    result = cache.get(key)
    if result is None:
        result = _rising(days=days, limit=limit, area=area, cat1_id=cat1_id, end=end, min_count=min_count)
        cache.set(key, result, CACHE_SECONDS)
        _cached_keys.add(key)
    return result


def _rising(*, days: int, limit: int, area: str, cat1_id: int | None, end: dt.date, min_count: int) -> list[dict]:
    start = end - dt.timedelta(days=days - 1)
    base_start = start - dt.timedelta(days=days * BASELINE_FACTOR)
    window = dict(
        _scope(KeywordDaily.objects.filter(day__gte=start, day__lte=end), area, cat1_id)
        .values("term").annotate(n=Sum("count")).filter(n__gte=min_count).values_list("term", "n")
    )
    if not window:
        return []
    baseline = dict(
        _scope(KeywordDaily.objects.filter(day__gte=base_start, day__lt=start, term__in=list(window)), area, cat1_id)
        .values("term").annotate(n=Sum("count")).values_list("term", "n")
    )
    out = []
    for term, n in window.items():
        expected = baseline.get(term, 0) / BASELINE_FACTOR
        lift = (n + 1) / (expected + 1)
        score = (n - expected) / math.sqrt(expected + 1)
        trend = "new" if not baseline.get(term) else ("up" if lift >= 1.5 else ("down" if lift < 0.8 else "flat"))
        out.append({"term": term, "count": n, "baseline": round(expected, 1), "lift": round(lift, 2),
                    "score": round(score, 2), "trend": trend})
    out.sort(key=lambda r: (-r["score"], -r["count"], r["term"]))
    return out[:limit]


def tickets_for(term: str, *, days: int = 7, area: str = "", cat1_id: int | None = None,
                end: dt.date | None = None, limit: int = 20, with_confidential: bool = True):
    """The tickets behind a term: registered in the window, mentioning it in title or text.
    `with_confidential=False` (a leader asking, issue 16 item 8): without confidential tickets,
    whose text may not be searched by anyone outside the centre (a term could be the reporter's name)."""
    end = end or timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    qs = Ticket.objects.filter(created_at__gte=day_start(start), created_at__lt=day_start(end + dt.timedelta(days=1)))
    qs = qs.filter(Q(title__contains=term) | Q(content__contains=term))
    if not with_confidential:
        from hotline.privacy import confidential_q

        qs = qs.exclude(confidential_q())
    if area:
        qs = qs.filter(area=area)
    if cat1_id:
        qs = qs.filter(Q(category_id=cat1_id) | Q(category__parent_id=cat1_id) | Q(category__parent__parent_id=cat1_id))
    return qs.select_related("category", "lead_unit").order_by("-created_at")[:limit]
