"""The counts a month's indicators are made of, per unit, read set-based from the rollups:
rates' counts from reports' DailyUnitStat (registration-day basis, so whatever the reports
rollup leaves out, e.g. an upheld appeal's survey, is left out here too), event counts from
assessment's EventDailyStat (by the day they happened). One grouped query per table.

Late changes to a published month's counts go into the next month computed after it: its own
counts plus, for each published month in the carry window, (the counts now − the counts the
published scores took in, kept in CountLedger). docs/ASSESSMENT.md."""
import datetime as dt
from collections import defaultdict

from django.db.models import Q, Sum

from reports.models import DailyUnitStat

from .models import CountLedger, EventDailyStat, PublishedMonth
from .months import last_day, months_back, next_month

RATE_COUNTS = ("dispatched", "closed", "due", "closed_on_time", "signed_on_time", "valid_callbacks",
               "satisfied", "resolved")
EVENT_COUNTS = EventDailyStat.COUNTS
COUNT_NAMES = (*RATE_COUNTS, *EVENT_COUNTS)
# How far back a published month's late changes are still carried into the next month: callbacks
# come within days of the reply, appeals within working days; a quarter leaves a wide margin and
# keeps the query to four months of unit-day rows (bench/assessment/RESULTS.md).
CARRY_MONTHS = 3


def _months_q(months) -> Q:
    """The days of the months, contiguous months as one range (one index range scan)."""
    ranges: list[list[dt.date]] = []
    for month in sorted(months):
        if ranges and next_month(ranges[-1][1]) == month:
            ranges[-1][1] = month
        else:
            ranges.append([month, month])
    q = Q(pk__in=[])
    for first, last in ranges:
        q |= Q(day__gte=first, day__lte=last_day(last))
    return q


def counts_by_unit(months: list[dt.date]) -> dict[int, dict[str, int]]:
    """The rollups' counts per raw unit id over the given months (two grouped queries)."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_NAMES, 0))
    if not months:
        return {}
    where = _months_q(months)
    for model, names in ((DailyUnitStat, RATE_COUNTS), (EventDailyStat, EVENT_COUNTS)):
        rows = (model.objects.filter(where).exclude(unit_id=None).values("unit_id")
                .annotate(**{name: Sum(name) for name in names}).order_by())
        for row in rows:
            counts = out[row["unit_id"]]
            for name in names:
                counts[name] += row[name] or 0
    return dict(out)


def counts_by_unit_and_month(months: list[dt.date]) -> dict[tuple[dt.date, int], dict[str, int]]:
    """As counts_by_unit, per (month, unit): what a publication writes into the ledger."""
    out: dict[tuple[dt.date, int], dict[str, int]] = {}
    for month in months:
        for unit_id, counts in counts_by_unit([month]).items():
            out[(month, unit_id)] = counts
    return out


def carry_sources(month: dt.date) -> list[dt.date]:
    """Published months whose late changes go into `month`: only the month right after the
    newest published month takes them (the next scores to be published)."""
    newest = PublishedMonth.objects.order_by("-month").values_list("month", flat=True).first()
    if newest is None or next_month(newest) != month:
        return []
    window_start = months_back(month, CARRY_MONTHS)
    return list(PublishedMonth.objects.filter(month__gte=window_start, month__lt=month)
                .order_by("month").values_list("month", flat=True))


def ledger_by_unit(months: list[dt.date]) -> dict[int, dict[str, int]]:
    rows = (CountLedger.objects.filter(source_month__in=months).values("unit_id")
            .annotate(**{name: Sum(name) for name in COUNT_NAMES}).order_by())
    return {row["unit_id"]: {name: row[name] or 0 for name in COUNT_NAMES} for row in rows}


def month_counts(month: dt.date) -> tuple[dict[int, dict[str, int]], list[dt.date]]:
    """(counts per raw unit id for `month`, the published months carried in)."""
    own = counts_by_unit([month])
    sources = carry_sources(month)
    if sources:
        now, taken = counts_by_unit(sources), ledger_by_unit(sources)
        for unit_id in set(now) | set(taken):
            acc = own.setdefault(unit_id, dict.fromkeys(COUNT_NAMES, 0))
            for name in COUNT_NAMES:
                acc[name] += now.get(unit_id, {}).get(name, 0) - taken.get(unit_id, {}).get(name, 0)
    return own, sources
