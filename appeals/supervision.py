"""电子监察 per unit (issue 18 item 3, docs/APPEALS.md): counts and drill-down lists of what went
wrong or was watched in a period, set-based.

Every count but 申诉 is read from the ticket timeline: the events of a few kinds in the period,
along the index (kind, created_at), each held against the unit that led the ticket when it
happened (its latest lead part dispatched before the event: a 退单 or a 重办 leaves no lead
unit on the ticket). A count is of distinct tickets, so that it matches its drill-down list."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from dispatch.models import Assignment
from hotline.models import Ticket, TicketEvent, Unit

from .models import Appeal


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # the event kind it is read from ("" for appeals)
    when: Q  # the further condition on the event


MEASURES = [
    Measure("sign_overdue", "签收超时", "sign_overdue", Q()),
    # The light sweep's own 督办 when a ticket turns red: the deadline passed unanswered.
    Measure("overdue", "办理超期", "supervise", Q(actor__isnull=True)),
    Measure("urged", "催办", "urge", Q()),
    Measure("supervised", "督办", "supervise", Q(actor__isnull=False)),
    Measure("returned", "退单", "return", Q()),
    Measure("reopened", "重办", "callback_dissatisfied", Q()),
    Measure("extended", "延期", "extension_approved", Q()),
    Measure("appealed", "申诉", "", Q()),
]
MEASURE_BY_KEY = {m.key: m for m in MEASURES}
EVENT_MEASURES = [m for m in MEASURES if m.kind]


def month_bounds(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _span(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def _unit_at_event():
    """The unit whose lead part the ticket was in when the event happened."""
    return Subquery(Assignment.objects.filter(
        ticket_id=OuterRef("ticket_id"), role=Assignment.Role.LEAD, assigned_at__lte=OuterRef("created_at"),
    ).order_by("-assigned_at", "-pk").values("unit_id")[:1])


def _measured_events(first: dt.date, last: dt.date, measures=EVENT_MEASURES):
    start, end = _span(first, last)
    bucket = Case(*[When(Q(kind=m.kind) & m.when, then=Value(m.key)) for m in measures],
                  default=Value(""), output_field=CharField())
    return (TicketEvent.objects.filter(kind__in={m.kind for m in measures}, created_at__gte=start,
                                       created_at__lt=end)
            .annotate(measure=bucket, held_by=_unit_at_event()))


def supervision_counts(first: dt.date, last: dt.date, *, unit_ids=None) -> dict[int, dict[str, int]]:
    """{unit_id: {measure: tickets}} for the period (local dates, inclusive); units with none left out."""
    events = _measured_events(first, last)
    if unit_ids is not None:
        events = events.filter(held_by__in=list(unit_ids))
    counts: dict[int, dict[str, int]] = {}
    rows = events.exclude(measure="").values("held_by", "measure").annotate(n=Count("ticket_id", distinct=True))
    for row in rows:
        if row["held_by"] is not None:
            counts.setdefault(row["held_by"], {})[row["measure"]] = row["n"]
    start, end = _span(first, last)
    appeals = Appeal.objects.filter(created_at__gte=start, created_at__lt=end)
    if unit_ids is not None:
        appeals = appeals.filter(unit_id__in=list(unit_ids))
    for row in appeals.values("unit_id").annotate(n=Count("ticket_id", distinct=True)):
        counts.setdefault(row["unit_id"], {})["appealed"] = row["n"]
    return counts


def supervision_table(first: dt.date, last: dt.date) -> list[dict]:
    """Every active unit with its counts (zeros included), most counts first."""
    counts = supervision_counts(first, last)
    rows = []
    for unit in Unit.objects.filter(is_active=True).order_by("path"):
        mine = counts.get(unit.pk, {})
        rows.append({"unit": unit, "counts": [(m, mine.get(m.key, 0)) for m in MEASURES],
                     "total": sum(mine.values())})
    rows.sort(key=lambda r: -r["total"])
    return rows


def supervision_tickets(unit_id: int, measure: str, first: dt.date, last: dt.date, *, limit: int = 500):
    """The tickets behind one count, newest first."""
    m = MEASURE_BY_KEY[measure]
    start, end = _span(first, last)
    if m.kind:
        ids = (_measured_events(first, last, [m]).filter(Q(kind=m.kind) & m.when, held_by=unit_id)
               .values("ticket_id"))
    else:
        ids = Appeal.objects.filter(unit_id=unit_id, created_at__gte=start, created_at__lt=end).values("ticket_id")
    return list(Ticket.objects.filter(pk__in=ids).select_related("lead_unit", "category")
                .order_by("-created_at", "-pk")[:limit])
