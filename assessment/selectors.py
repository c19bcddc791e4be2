"""Reads of the monthly assessment (考核). Other apps (bulletins, the reports pages, the LED
board) read scores only through `month_scores`."""
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from hotline.models import Unit

from .counting import COUNT_NAMES, month_counts
from .models import MonthScore, PublishedMonth, Scheme
from .months import month_of
from .scoring import Rule, unit_points

CACHE_SECONDS = 600  # an upper bound: the key changes with every rollup refresh (each minute)


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    unit_name: str
    score: float  # the total, 0-100 plus bonuses, rounded to 2 places
    rank: int  # 1 = best; equal scores share a rank
    # indicator code -> {"label": 中文名, "value": the measured rate or count, "points": points earned}
    indicators: dict = field(default_factory=dict)
    published: bool = False  # True when the month is published (frozen)


@dataclass
class MonthResult:
    month: dt.date
    scheme: Scheme | None
    scores: list[UnitScore]
    counts: dict  # assessed unit id -> counts
    published: PublishedMonth | None = None
    carried_from: list = field(default_factory=list)


def month_scores(*, month: dt.date) -> list[UnitScore]:
    """Every assessed unit's score for `month` (any day in it), best first. A published month
    answers its frozen scores; an open month is computed now from the rollups. No scheme in
    force for the month: an empty list."""
    return month_result(month=month).scores


def scheme_for(month: dt.date) -> Scheme | None:
    """The scheme in force for a month: the latest valid_from ≤ the month."""
    return (Scheme.objects.filter(valid_from__lte=month_of(month)).order_by("-valid_from")
            .prefetch_related("indicators").first())


def month_result(*, month: dt.date) -> MonthResult:
    month = month_of(month)
    published = PublishedMonth.objects.select_related("scheme", "published_by").filter(month=month).first()
    if published is not None:
        rows = list(MonthScore.objects.filter(published=published).order_by("rank", "unit_name"))
        scores = [UnitScore(unit_id=r.unit_id, unit_name=r.unit_name, score=float(r.score), rank=r.rank,
                            indicators=r.indicators, published=True) for r in rows]
        return MonthResult(month, published.scheme, scores, {r.unit_id: r.counts for r in rows}, published,
                           published.carried_from)
    scheme = scheme_for(month)
    if scheme is None:
        return MonthResult(month, None, [], {})
    return cached_compute(month=month, scheme=scheme)


def cached_compute(*, month: dt.date, scheme: Scheme) -> MonthResult:
    """An open month's scores, cached until anything they are made of may have changed: the key
    holds the scheme's rules, both rollups' last refresh and the newest publication (the ledger)."""
    from django.core.cache import cache

    from reports.models import RollupState

    refreshed = sorted((name, str(at)) for name, at in RollupState.objects.values_list("name", "refreshed_at"))
    newest = PublishedMonth.objects.order_by("-pk").values_list("pk", flat=True).first()
    rules = [(i.code, i.rule, str(i.weight), str(i.lower), str(i.upper), str(i.per_event), str(i.cap))
             for i in scheme.indicators.all()]
    key = "assessment:month:" + hashlib.sha1(repr((month, scheme.pk, rules, refreshed, newest)).encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = compute(month=month, scheme=scheme)
        cache.set(key, result, CACHE_SECONDS)
    return result


def compute(*, month: dt.date, scheme: Scheme) -> MonthResult:
    """An open month's scores, computed now (also what publishing freezes)."""
    raw, sources = month_counts(month)
    per_unit = assessed_counts(raw)
    rules = [Rule.of(row) for row in scheme.indicators.all()]
    units = {u.pk: u.name for u in Unit.objects.filter(pk__in=list(per_unit))}
    scored = []
    for unit_id, counts in per_unit.items():
        if not any(counts.values()):
            continue  # nothing happened to the unit this month: not assessed
        total, indicators = unit_points(rules, counts)
        scored.append((unit_id, units.get(unit_id, str(unit_id)), total, indicators))
    scored.sort(key=lambda s: (-s[2], s[1]))
    scores, rank, previous = [], 0, None
    for position, (unit_id, name, total, indicators) in enumerate(scored, start=1):
        if total != previous:
            rank, previous = position, total
        scores.append(UnitScore(unit_id=unit_id, unit_name=name, score=total, rank=rank, indicators=indicators))
    return MonthResult(month, scheme, scores, per_unit, None, [m.isoformat() for m in sources])


def assessed_units(raw_ids) -> list[Unit]:
    """The units compared, as on the reports ranking (`reports.kpis.ranking_units`): the second
    level of the tree (departments, towns, utilities), or the roots when the tree is flat; a lone
    root with rows of its own this month is listed beside its children (its own rows only)."""
    roots = list(Unit.objects.filter(parent__isnull=True))
    if len(roots) == 1:
        children = list(Unit.objects.filter(parent=roots[0]))
        if children:
            return [*roots, *children] if roots[0].pk in raw_ids else children
    return roots


def assessed_counts(raw: dict[int, dict]) -> dict[int, dict]:
    """Raw per-unit counts summed into the assessed units, each with its sub-units (a parent
    listed beside its children counts its own tickets only, as on the reports ranking)."""
    units = assessed_units(raw)
    parents = {u.parent_id for u in units}
    # The assessed units are disjoint subtrees (a parent listed beside its children keeps only its
    # own rows): a raw unit belongs to the assessed unit among itself and its ancestors.
    subtree_heads = {u.pk for u in units if u.pk not in parents}
    own_only = {u.pk for u in units if u.pk in parents}
    paths = dict(Unit.objects.filter(pk__in=list(raw)).values_list("pk", "path"))
    owner: dict[int, int] = {}
    for unit_id in raw:
        if unit_id in own_only:
            owner[unit_id] = unit_id
            continue
        line = [int(p) for p in paths.get(unit_id, "").split("/") if p]
        head = next((a for a in reversed(line) if a in subtree_heads), None)
        if head is not None:
            owner[unit_id] = head
    out: dict[int, dict] = {}
    for unit_id, counts in raw.items():
        if unit_id in owner:
            acc = out.setdefault(owner[unit_id], dict.fromkeys(COUNT_NAMES, 0))
            for name in COUNT_NAMES:
                acc[name] += counts.get(name, 0)
    return out


def unit_score_for(*, month: dt.date, unit: Unit) -> UnitScore | None:
    """The score of the assessed unit a person's unit belongs to (itself or its department)."""
    ancestors = {int(u) for u in unit.path.split("/") if u} | {unit.pk}
    return next((score for score in month_scores(month=month) if score.unit_id in ancestors), None)


def published_months() -> list[PublishedMonth]:
    return list(PublishedMonth.objects.select_related("scheme", "published_by").order_by("-month"))
