"""KPIs over the daily rollup. Every rate says its numerator and denominator.

All figures use the registration-day basis (受理日口径): a date range selects the
tickets registered in it, and every count describes those tickets as they stand
at the last rollup refresh. See docs/REPORTS.md.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from hotline.models import Category, Channel, TicketType, Unit

from .models import ROLLUPS

COUNTS = [
    "received", "direct_answered", "dispatched", "closed", "due", "closed_on_time", "signed_on_time",
    "callback_due", "called_back", "valid_callbacks", "satisfied", "resolved", "open_now",
    "suspensions", "suspended_now",  # 挂起 (issue 16, item 4)
    "reviewed", "sent_back",
]

COUNT_LABELS = {
    "received": "受理量", "direct_answered": "直接答复", "dispatched": "交办量", "closed": "办结量",
    "due": "应办结量", "closed_on_time": "按时办结量", "signed_on_time": "按时签收量",
    "callback_due": "应回访量", "called_back": "已回访量", "valid_callbacks": "有效回访",
    "satisfied": "满意及基本满意", "resolved": "已解决", "open_now": "未办结",
    "suspensions": "挂起次数", "suspended_now": "挂起中",
    "reviewed": "办结审核量", "sent_back": "退回重办量",
}


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    numerator: str
    denominator: str
    definition: str


KPIS = [
    Kpi("closure_rate", "办结率", "closed", "dispatched", "已办结的交办工单 ÷ 交办（派单）工单"),
    Kpi("on_time_rate", "按时办结率", "closed_on_time", "due",
        "按时限内回复并办结的工单 ÷ 应办结工单（已办结的交办工单 + 已超期未回复的在办工单）"),
    Kpi("satisfaction_rate", "满意率", "satisfied", "valid_callbacks", "（满意 + 基本满意）÷ 有效回访次数"),
    Kpi("resolution_rate", "解决率", "resolved", "valid_callbacks", "市民表示问题已解决的回访 ÷ 有效回访次数"),
    Kpi("response_rate", "响应率", "signed_on_time", "dispatched", "签收时限内签收的工单 ÷ 交办工单"),
    Kpi("direct_answer_rate", "直接答复率", "direct_answered", "received", "热线直接答复办结的工单 ÷ 受理工单"),
    Kpi("callback_rate", "回访率", "called_back", "callback_due", "至少有一次有效回访的工单 ÷ 进入回访的工单"),
    # 办结审核 (issue 16 item 3): not in the score; a lower rate is better.
    Kpi("sent_back_rate", "退回重办率", "sent_back", "reviewed",
        "热线办审核退回重办的答复 ÷ 经审核（通过或退回）的答复（只统计须审核的诉求类型；越低越好）"),
]
KPI_BY_KEY = {k.key: k for k in KPIS}

# Per-unit handling figures (issue 16: 退单审核, 改派), read from the units' parts rather than the
# daily rollup: a return or a reassignment belongs to the unit that had the ticket, which is
# not the ticket's lead unit any more. Counted by dispatch day: the lead parts given to a unit in
# the period, and the return requests and reassignments of those parts.
UNIT_COUNTS = ["lead_dispatched", "returns_requested", "returns_accepted", "returns_refused", "reassigned"]
UNIT_COUNT_LABELS = {
    "lead_dispatched": "主办派单次数", "returns_requested": "退单申请", "returns_accepted": "同意退单",
    "returns_refused": "驳回退单", "reassigned": "被改派",
}
UNIT_KPIS = [
    Kpi("return_rate", "退单率", "returns_accepted", "lead_dispatched",
        "经热线办同意的退单 ÷ 作为主办单位接收的派单（按派单日期，含重新派单、改派）"),
    Kpi("return_refusal_rate", "退单驳回率", "returns_refused", "returns_requested",
        "被热线办驳回的退单申请 ÷ 提出的退单申请（同一批派单）"),
]

# Unit score (综合得分, 0–100): weighted mean of these rates; a rate with no denominator
# (e.g. no callbacks yet) is left out and the other weights are scaled up.
SCORE_WEIGHTS = {"closure_rate": 30, "on_time_rate": 30, "satisfaction_rate": 30, "callback_rate": 10}
SCORE_DEFINITION = (
    "综合得分 = 办结率×30% + 按时办结率×30% + 满意率×30% + 回访率×10%（无分母的指标不计，权重按比例放大）；"
    "统计期内应办结工单不足 {min_due} 件的单位样本不足，不计得分、不参与排名"
)
# A unit is ranked only on enough judged tickets. "Judged" is 应办结 (closed, or past its
# deadline): tickets still within their time limit say nothing yet, and one closed ticket would
# otherwise score 100 (or one new ticket 0). A plain threshold rather than a Bayesian average:
# the published score stays the defined formula, and "不足 N 件" is easy to explain to a unit.
SHORT_SAMPLE = "样本不足"


def ranking_min_due() -> int:
    from django.conf import settings

    return max(1, int(getattr(settings, "REPORTS_RANKING_MIN_DUE", 5)))


def score_definition() -> str:
    return SCORE_DEFINITION.format(min_due=ranking_min_due())

DIMENSIONS = {
    "channel": "来源渠道", "ticket_type": "诉求类型", "cat1": "一级分类", "cat2": "二级分类",
    "category": "三级分类", "unit": "承办单位",
}
GRANULARITIES = {"day": "按日", "week": "按周", "month": "按月"}


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def with_rates(counts: dict) -> dict:
    row = {name: int(counts.get(name) or 0) for name in COUNTS}
    for kpi in KPIS:
        row[kpi.key] = rate(row[kpi.numerator], row[kpi.denominator])
    return row


def score(row: dict) -> float | None:
    parts = [(w, row[key]) for key, w in SCORE_WEIGHTS.items() if row.get(key) is not None]
    weight = sum(w for w, _ in parts)
    if not weight:
        return None
    return round(100 * sum(w * value for w, value in parts) / weight, 1)


@dataclass
class Filters:
    start: dt.date
    end: dt.date
    unit: Unit | None = None
    channel: str = ""
    ticket_type: str = ""
    category: Category | None = None
    # Units the viewer may see (None: all). Unit staff get their own subtree.
    scope_unit: Unit | None = None
    extra: dict = field(default_factory=dict)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def subtree_ids(unit: Unit) -> list[int]:
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def category_q(category: Category) -> Q:
    return {1: Q(cat1_id=category.pk), 2: Q(cat2_id=category.pk)}.get(category.level, Q(category_id=category.pk))


CATEGORY_COLUMN = {1: "cat1_id", 2: "cat2_id", 3: "category_id"}


def needed_columns(filters: Filters, group_by: str | None) -> set[str]:
    needed = set()
    if filters.unit is not None or filters.scope_unit is not None:
        needed.add("unit_id")
    if filters.channel:
        needed.add("channel")
    if filters.ticket_type:
        needed.add("ticket_type")
    if filters.category is not None:
        needed.add(CATEGORY_COLUMN.get(filters.category.level, "category_id"))
    if group_by:
        needed.add(group_by)
    return needed


def rollup_for(needed: set[str]):
    """The smallest rollup table that has every column a query needs."""
    return next(model for model in ROLLUPS if needed <= model.DIMENSIONS)


def stats(filters: Filters, group_by: str | None = None) -> QuerySet:
    model = rollup_for(needed_columns(filters, group_by))
    qs = model.objects.filter(day__gte=filters.start, day__lte=filters.end)
    for unit in (filters.scope_unit, filters.unit):
        if unit is not None:
            qs = qs.filter(unit_id__in=subtree_ids(unit))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.ticket_type:
        qs = qs.filter(ticket_type=filters.ticket_type)
    if filters.category is not None:
        qs = qs.filter(category_q(filters.category))
    return qs


def sums() -> dict:
    return {name: Sum(name) for name in COUNTS}


def totals(filters: Filters) -> dict:
    return with_rates(stats(filters).aggregate(**sums()))


def trend(filters: Filters, granularity: str = "day") -> list[dict]:
    qs = stats(filters)
    if granularity == "week":
        qs = qs.annotate(period=TruncWeek("day"))
    elif granularity == "month":
        qs = qs.annotate(period=TruncMonth("day"))
    else:
        qs = qs.annotate(period=F("day"))
    rows = qs.values("period").annotate(**sums()).order_by("period")
    out = []
    for row in rows:
        period = row["period"]
        if isinstance(period, dt.datetime):
            period = period.date()
        out.append({"period": period, "label": period_label(period, granularity), **with_rates(row)})
    return out


def period_label(day: dt.date, granularity: str) -> str:
    if granularity == "month":
        return f"{day.year}年{day.month}月"
    if granularity == "week":
        iso = day.isocalendar()
        return f"{iso.year}年第{iso.week}周"
    return f"{day:%Y-%m-%d}"


def _labels(dimension: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if dimension == "channel":
        return dict(Channel.choices)
    if dimension == "ticket_type":
        return dict(TicketType.choices)
    if dimension in ("cat1", "cat2", "category"):
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "unit":
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {}


UNSET_LABEL = {"unit": "未派单", "cat1": "未分类", "cat2": "未分类", "category": "未分类"}
COLUMN = {"cat1": "cat1_id", "cat2": "cat2_id", "category": "category_id", "unit": "unit_id"}


def breakdown(filters: Filters, dimension: str) -> list[dict]:
    """One row per value of the dimension, largest intake first. Units roll up their
    sub-units into the top of the visible tree (see `unit_ranking`)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    if dimension == "unit":
        return unit_ranking(filters)
    column = COLUMN.get(dimension, dimension)
    rows = list(stats(filters, column).values(column).annotate(**sums()))
    labels = _labels(dimension, [r[column] for r in rows])
    out = []
    for row in rows:
        key = row[column]
        label = labels.get(key, UNSET_LABEL.get(dimension, "未知")) if key is not None else UNSET_LABEL.get(
            dimension, "未知")
        out.append({"key": key, "label": str(label), **with_rates(row)})
    out.sort(key=lambda r: (-r["received"], r["label"]))
    return out


def unit_part_counts(filters: Filters) -> dict[int, dict]:
    """UNIT_COUNTS per unit (its own parts, not its sub-units'), set-based: one grouped query over
    the lead parts dispatched in the period (the partial index assignment_lead_assigned), one over
    the return requests of those parts. The ticket filters (channel, type, category) apply."""
    from dispatch.models import Assignment, TicketReturn

    from .rollup import day_start

    start, end = day_start(filters.start), day_start(filters.end + dt.timedelta(days=1))
    parts = _part_filters(Assignment.objects.filter(role="lead", assigned_at__gte=start, assigned_at__lt=end),
                          filters)
    returns = _part_filters(TicketReturn.objects.filter(assignment__assigned_at__gte=start,
                                                        assignment__assigned_at__lt=end), filters)
    out: dict[int, dict] = {}
    for row in parts.values("unit_id").annotate(
            lead_dispatched=Count("id"), reassigned=Count("id", filter=Q(state="reassigned"))).order_by():
        out.setdefault(row["unit_id"], dict.fromkeys(UNIT_COUNTS, 0)).update(
            lead_dispatched=row["lead_dispatched"], reassigned=row["reassigned"])
    for row in returns.values("unit_id").annotate(
            returns_requested=Count("id"), returns_accepted=Count("id", filter=Q(state="accepted")),
            returns_refused=Count("id", filter=Q(state="refused"))).order_by():
        out.setdefault(row["unit_id"], dict.fromkeys(UNIT_COUNTS, 0)).update(
            {key: row[key] for key in ("returns_requested", "returns_accepted", "returns_refused")})
    return out


def _part_filters(qs, filters: Filters):
    """The report's filters on parts (or return requests) through their ticket."""
    for unit in (filters.scope_unit, filters.unit):
        if unit is not None:
            qs = qs.filter(unit_id__in=subtree_ids(unit))
    if filters.channel:
        qs = qs.filter(ticket__channel=filters.channel)
    if filters.ticket_type:
        qs = qs.filter(ticket__ticket_type=filters.ticket_type)
    if filters.category is not None:
        category = filters.category
        below = Q(ticket__category__full_name__startswith=category.full_name + "/")
        qs = qs.filter(Q(ticket__category=category) | below)
    return qs


def with_unit_rates(counts: dict) -> dict:
    row = {name: int(counts.get(name) or 0) for name in UNIT_COUNTS}
    for kpi in UNIT_KPIS:
        row[kpi.key] = rate(row[kpi.numerator], row[kpi.denominator])
    return row


def ranking_units(parent: Unit | None = None, scope: Unit | None = None) -> list[Unit]:
    """The units a ranking compares: the children of `parent`; by default the
    second level of the tree (departments and towns under the county), or the roots
    when the tree is flat. A unit viewer compares the units under their own."""
    parent = parent or scope
    if parent is not None:
        children = list(Unit.objects.filter(parent=parent, is_active=True))
        return children or [parent]
    roots = list(Unit.objects.filter(parent__isnull=True))
    if len(roots) == 1:
        children = list(Unit.objects.filter(parent=roots[0]))
        if children:
            return [*roots, *children] if _has_own_tickets(roots[0]) else children
    return roots


def _has_own_tickets(unit: Unit) -> bool:
    from .models import DailyUnitStat

    return DailyUnitStat.objects.filter(unit_id=unit.pk).exists()


def unit_ranking(filters: Filters, parent: Unit | None = None, min_due: int | None = None) -> list[dict]:
    """交办量, rates and score per unit, each unit's figures including its sub-units. Units with
    fewer than `min_due` (default: settings.REPORTS_RANKING_MIN_DUE) 应办结 tickets follow the
    ranked ones with rank None, score None and `ranked` False (样本不足)."""
    min_due = ranking_min_due() if min_due is None else min_due
    per_unit = {row["unit_id"]: row for row in stats(filters, "unit_id").exclude(unit_id=None)
                .values("unit_id").annotate(**sums())}
    units = ranking_units(parent or filters.unit, filters.scope_unit)
    per_unit_parts = unit_part_counts(filters)
    paths = dict(Unit.objects.filter(pk__in=list(per_unit) + list(per_unit_parts)).values_list("pk", "path"))
    rows = []
    for unit in units:
        own_only = unit.pk in {u.parent_id for u in units}  # a parent listed beside its children

        def counted(unit_id, unit=unit, own_only=own_only) -> bool:
            return (unit_id == unit.pk) if own_only else paths.get(unit_id, "").startswith(unit.path)

        acc = dict.fromkeys(COUNTS, 0)
        for unit_id, row in per_unit.items():
            if counted(unit_id):
                for name in COUNTS:
                    acc[name] += row[name] or 0
        parts = dict.fromkeys(UNIT_COUNTS, 0)
        for unit_id, row in per_unit_parts.items():
            if counted(unit_id):
                for name in UNIT_COUNTS:
                    parts[name] += row[name]
        row = with_rates(acc) | with_unit_rates(parts)
        row["ranked"] = row["due"] >= min_due
        row["score"] = score(row) if row["ranked"] else None
        rows.append({"key": unit.pk, "label": unit.name + ("（本级）" if own_only else ""), **row})
    rows.sort(key=lambda r: (not r["ranked"], r["score"] is None, -(r["score"] or 0), -r["due"],
                             -r["dispatched"], r["label"]))
    rank = 0
    for row in rows:
        if row["ranked"] and row["score"] is not None:
            rank += 1
            row["rank"] = rank
        else:
            row["rank"] = None
    return rows


# --- issue 16 items 5 and 6: co-units' own deadlines and two-level dispatch, per unit ---
PART_KPI = Kpi("co_on_time_rate", "协办按时答复率", "co_on_time", "co_due",
               "在本单位协办时限内答复的协办 ÷ 应答复的协办（已答复、未答复而结束、或已过协办时限）")


def part_ranking(filters: Filters, parent: Unit | None = None) -> list[dict]:
    """Per unit of the ranking (its sub-units included, as unit_ranking): co-unit parts, how many
    were due and answered on time (协办按时答复率), the tickets it handed down (转下级办理) and the
    parts it received from its parent unit. One grouped query over DailyPartStat."""
    from .models import DailyPartStat

    qs = DailyPartStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    for unit in (filters.scope_unit, filters.unit):
        if unit is not None:
            qs = qs.filter(unit_id__in=subtree_ids(unit))
    per_unit = {row["unit_id"]: row for row in qs.values("unit_id").annotate(
        **{name: Sum(name) for name in DailyPartStat.COUNTS})}
    units = ranking_units(parent or filters.unit, filters.scope_unit)
    paths = dict(Unit.objects.filter(pk__in=list(per_unit)).values_list("pk", "path"))
    rows = []
    for unit in units:
        own_only = unit.pk in {u.parent_id for u in units}
        acc = dict.fromkeys(DailyPartStat.COUNTS, 0)
        for unit_id, row in per_unit.items():
            if (unit_id == unit.pk) if own_only else paths.get(unit_id, "").startswith(unit.path):
                for name in DailyPartStat.COUNTS:
                    acc[name] += row[name] or 0
        acc[PART_KPI.key] = rate(acc["co_on_time"], acc["co_due"])
        rows.append({"key": unit.pk, "label": unit.name + ("（本级）" if own_only else ""), **acc})
    rows.sort(key=lambda r: (-(r["co_parts"] + r["handed_down"]), r["label"]))
    return [r for r in rows if r["co_parts"] or r["handed_down"] or r["sub_parts"]]

# --- end issue 16 items 5 and 6 ---
