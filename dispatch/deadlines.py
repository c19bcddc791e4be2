"""Time limits and traffic lights.

Rules (docs/PRODUCT.md §4):
- A limit of N working days ends at 23:59:59 (local time) of the N-th working
  day after the day the clock starts; the start day never counts.
- Urgent tickets count clock hours from the start instant.
- Yellow starts when the remaining time falls below `warn_share` of the whole
  limit, and in any case at the start of the last working day; a yellow time outside
  working hours (settings.HOTLINE_WORK_HOURS on a working day) moves back to the end of
  the previous working period, so that the unit is warned while someone is at work.
- Red once the deadline has passed.
The light is `light_at(due_at, warn_at, now)`: a pure function, right on every read.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from hotline.models import Light, Ticket, TicketState, TicketType, Urgency
from hotline.models.tickets import HANDLING_STATES

from .calendar import WorkCalendar
from .models import LimitUnit, TimeLimitPolicy

END_OF_DAY = dt.time(23, 59, 59)


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def iso_local(moment: dt.datetime | None) -> str | None:
    """A moment as event payloads and the API show it: ISO 8601 in local time (+08:00)."""
    return timezone.localtime(moment, local_tz()).isoformat() if moment else None


@dataclass(frozen=True)
class Limits:
    limit_unit: str
    handle_limit: int
    sign_limit: int
    callback_limit_days: int
    warn_share: Decimal


# Used when the policy table has no matching row (docs/PRODUCT.md §4 defaults).
DEFAULT_WORKING_DAYS = {
    TicketType.CONSULTATION: 3,
    TicketType.HELP: 5,
    TicketType.COMPLAINT: 10,
    TicketType.REPORT: 10,
    TicketType.SUGGESTION: 15,
    TicketType.PRAISE: 5,
    TicketType.OTHER: 5,
}


def fallback_limits(ticket_type: str, urgency: str) -> Limits:
    if urgency == Urgency.URGENT:
        return Limits(LimitUnit.CLOCK_HOURS, 24, 2, 1, Decimal("0.20"))
    return Limits(LimitUnit.WORKING_DAYS, DEFAULT_WORKING_DAYS.get(ticket_type, 5), 1, 1, Decimal("0.20"))


def category_ancestry(category) -> list[int]:
    """[leaf id, parent id, root id]: deeper categories are more specific."""
    ids = []
    node = category
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def limits_for(*, ticket_type: str, urgency: str, category=None) -> Limits:
    """The most specific policy: urgency beats category beats type; blank matches any."""
    ancestry = category_ancestry(category) if category else []
    candidates = TimeLimitPolicy.objects.filter(
        Q(ticket_type="") | Q(ticket_type=ticket_type),
        Q(urgency="") | Q(urgency=urgency),
        Q(category__isnull=True) | Q(category_id__in=ancestry),
    )

    def specificity(policy: TimeLimitPolicy) -> tuple:
        depth = len(ancestry) - ancestry.index(policy.category_id) if policy.category_id else 0
        return (bool(policy.urgency), depth, bool(policy.ticket_type), policy.pk)

    best = max(candidates, key=specificity, default=None)
    if best is None:
        return fallback_limits(ticket_type, urgency)
    return Limits(best.limit_unit, best.handle_limit, best.sign_limit,
                  best.callback_limit_days, Decimal(best.warn_share))


def limits_for_ticket(ticket: Ticket) -> Limits:
    return limits_for(ticket_type=ticket.ticket_type, urgency=ticket.urgency, category=ticket.category)


def add_working_days(start: dt.datetime, days: int, calendar: WorkCalendar | None = None) -> dt.datetime:
    local_start = timezone.localtime(start, local_tz())
    calendar = calendar or WorkCalendar(local_start.date())
    day = calendar.nth_workday_after(local_start.date(), days)
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=local_tz())


def return_window_end(assigned_at: dt.datetime) -> dt.datetime:
    """退单审核 (issue 16): the last moment a lead unit may ask to return a ticket dispatched to it
    at `assigned_at`: the end of the N-th working day after that day (HOTLINE_RETURN_WINDOW_WORKING_DAYS)."""
    return add_working_days(assigned_at, max(1, settings.HOTLINE_RETURN_WINDOW_WORKING_DAYS))


def return_review_due(asked_at: dt.datetime) -> dt.datetime:
    """When the centre should have decided a return request asked at `asked_at`."""
    return add_working_days(asked_at, max(1, settings.HOTLINE_RETURN_REVIEW_WORKING_DAYS))


def add_limit(start: dt.datetime, amount: int, limit_unit: str, calendar: WorkCalendar | None = None) -> dt.datetime:
    if limit_unit == LimitUnit.CLOCK_HOURS:
        return start + dt.timedelta(hours=amount)
    return add_working_days(start, amount, calendar)


def work_hours() -> tuple[dt.time, dt.time]:
    """(opens, closes): the office hours of a working day, local time."""
    opens, closes = (dt.time.fromisoformat(value) for value in settings.HOTLINE_WORK_HOURS)
    return opens, closes


def during_work(warn: dt.datetime, start: dt.datetime, due: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """`warn`, or the nearest moment in working hours that still warns between start and due.

    Outside working hours (a night, a weekend, a holiday) the warning moves back to the end of
    the previous working period: a unit warned at 02:00 reads it only in the morning, with less
    time left. When that end lies before the start (dispatched in the evening), the warning
    moves forward to the next opening, if that comes before the deadline; when no working hour
    lies between start and deadline at all (an urgent ticket over a holiday), it stays."""
    tz = local_tz()
    opens, closes = work_hours()
    local = timezone.localtime(warn, tz)
    day, time = local.date(), local.time()
    workday = calendar.is_workday(day)
    if workday and opens <= time <= closes:
        return warn
    start_day = timezone.localtime(start, tz).date()
    back_day = day if workday and time > closes else calendar.workday_before(day, not_before=start_day)
    if back_day is not None:
        back = dt.datetime.combine(back_day, closes, tzinfo=tz)
        if back >= start:
            return back
    due_day = timezone.localtime(due, tz).date()
    forward_day = day if workday and time < opens else calendar.workday_after(day, not_after=due_day)
    if forward_day is not None:
        forward = dt.datetime.combine(forward_day, opens, tzinfo=tz)
        if start <= forward < due:
            return forward
    return warn


def warn_time(start: dt.datetime, due: dt.datetime, limits: Limits,
              calendar: WorkCalendar | None = None) -> dt.datetime:
    """When the light turns yellow for a limit running from `start` to `due` (in working hours)."""
    calendar = calendar or WorkCalendar(timezone.localtime(start, local_tz()).date())
    by_share = due - (due - start) * float(limits.warn_share)
    if limits.limit_unit != LimitUnit.CLOCK_HOURS:
        last_day_start = dt.datetime.combine(timezone.localtime(due, local_tz()).date(), dt.time.min,
                                             tzinfo=local_tz())
        by_share = min(by_share, last_day_start)
    return during_work(by_share, start, due, calendar)


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: dt.datetime
    due_at: dt.datetime
    warn_at: dt.datetime


def deadlines_from(start: dt.datetime, limits: Limits, calendar: WorkCalendar | None = None) -> Deadlines:
    calendar = calendar or WorkCalendar(timezone.localtime(start, local_tz()).date())
    due = add_limit(start, limits.handle_limit, limits.limit_unit, calendar)
    sign_due = add_limit(start, limits.sign_limit, limits.limit_unit, calendar)
    return Deadlines(sign_due_at=min(sign_due, due), due_at=due, warn_at=warn_time(start, due, limits, calendar))


def light_at(due_at: dt.datetime | None, warn_at: dt.datetime | None, now: dt.datetime) -> str | None:
    """The traffic light for a running deadline; None when no deadline runs."""
    if due_at is None:
        return None
    if now > due_at:
        return Light.RED
    if warn_at is not None and now >= warn_at:
        return Light.YELLOW
    return Light.GREEN


def ticket_light(ticket: Ticket, now: dt.datetime | None = None) -> str | None:
    if ticket.state == TicketState.SUSPENDED:
        # 挂起: the light stands as it was when the clock stopped (the suspension is the
        # ticket's last state change), and moves on from there once it resumes.
        return light_at(ticket.due_at, ticket.warn_at, ticket.state_changed_at)
    if ticket.state not in HANDLING_STATES:
        return None
    return light_at(ticket.due_at, ticket.warn_at, now or timezone.now())


def light_q(light: str, now: dt.datetime, *, handling_known: bool = False) -> Q:
    """The same rule as `light_at`, as a filter the database can answer from indexes.

    `handling_known`: the queryset is already limited to handling states (a unit's inbox);
    repeating that condition would only mislead the planner's row estimates."""
    handling = Q(due_at__isnull=False)
    if not handling_known:
        handling &= Q(state__in=sorted(HANDLING_STATES))
    if light == Light.RED:
        return handling & Q(due_at__lt=now)
    if light == Light.YELLOW:
        return handling & Q(due_at__gte=now, warn_at__lte=now)
    if light == Light.GREEN:
        return handling & Q(due_at__gte=now) & (Q(warn_at__gt=now) | Q(warn_at__isnull=True))
    raise ValueError(f"unknown light {light!r}")


LIGHT_RANK = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}


def light_rank(now: dt.datetime, *, due: str = "due_at", warn: str = "warn_at") -> Case:
    """The light as a sortable number (red 0, yellow 1, green 2) for tickets in hand: the order a
    unit works through its inbox. The same rule as `light_at` and `light_q`. `due`/`warn` name
    other columns or annotations (a co-unit's inbox ranks by its part's own deadline)."""
    return Case(
        When(**{f"{due}__lt": now}, then=Value(LIGHT_RANK[Light.RED])),
        When(**{f"{warn}__lte": now}, then=Value(LIGHT_RANK[Light.YELLOW])),
        default=Value(LIGHT_RANK[Light.GREEN]), output_field=IntegerField(),
    )


# --- 挂起 (issue 16, item 4): working time that passes while a ticket is suspended -----------
# The measure (docs/PRODUCT.md §4, 挂起): the seconds of the suspension that fall on working
# days, a working day counting whole (00:00–24:00 local time) and a rest day (weekend, holiday)
# not at all; make-up working days (调休上班) count. A deadline then moves later by the same
# working time: walked forward from where it stood, across working days only. Whole working
# days move a 23:59:59 deadline to 23:59:59 of a later working day.
DAY = dt.timedelta(days=1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz())


def _calendar_for(first: dt.datetime, last: dt.datetime) -> WorkCalendar:
    start = timezone.localtime(first, local_tz()).date()
    end = timezone.localtime(last, local_tz()).date()
    return WorkCalendar(start, days=(end - start).days + 1)


def working_seconds_between(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar | None = None) -> int:
    """The seconds between two moments that fall on working days (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = calendar or _calendar_for(start, end)
    cursor, end = timezone.localtime(start, local_tz()), timezone.localtime(end, local_tz())
    total = dt.timedelta(0)
    while cursor < end:
        next_midnight = _midnight(cursor.date() + DAY)
        if calendar.is_workday(cursor.date()):
            total += min(end, next_midnight) - cursor
        cursor = next_midnight
    return int(total.total_seconds())


def add_working_seconds(moment: dt.datetime, seconds: int, calendar: WorkCalendar | None = None) -> dt.datetime:
    """`moment` moved later by `seconds` of working time (counted on working days only)."""
    local = timezone.localtime(moment, local_tz())
    if seconds <= 0:
        return local
    # Each working day holds a day of working time: a window of twice the days, plus a fortnight
    # for a long holiday, holds the answer's overrides.
    calendar = calendar or WorkCalendar(local.date(), days=2 * (seconds // 86400) + 30)
    remaining = dt.timedelta(seconds=seconds)
    cursor = local
    while True:
        next_midnight = _midnight(cursor.date() + DAY)
        if calendar.is_workday(cursor.date()):
            room = next_midnight - cursor
            if remaining <= room:
                return cursor + remaining
            remaining -= room
        cursor = next_midnight


def working_span_label(seconds: int) -> str:
    """2个工作日3小时 / 5小时20分钟 / 不足1分钟: a working time as a person reads it."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}个工作日" if days else "", f"{hours}小时" if hours else "",
             f"{minutes}分钟" if minutes and not days else ""]
    return "".join(parts) or "不足1分钟"
# --- end 挂起 ----------------------------------------------------------------------------------
# --- issue 16 items 5 and 6: the deadline of a co-unit's or sub-unit's part ---

def part_deadlines(*, start: dt.datetime, parent_due: dt.datetime, parent_warn: dt.datetime | None,
                   limits: Limits, lead_days: int, min_days: int,
                   calendar: WorkCalendar | None = None) -> tuple[dt.datetime, dt.datetime]:
    """(due_at, warn_at) of a part that must answer before another deadline (`parent_due`: the
    lead's for a co-unit, the parent part's for a handed-down one).

    Working-day limits: the end of the working day `lead_days` working days before the parent's
    deadline day, but never before the end of the `min_days`-th working day after `start` and
    never after the parent's deadline. Clock-hour limits (urgent tickets): the parent's yellow
    time, when it still lies ahead (else the parent's deadline). The yellow time is `warn_time`'s
    rule over the part's own span, so its light is `light_at(due_at, warn_at, now)` as a ticket's."""
    calendar = calendar or WorkCalendar(timezone.localtime(start, local_tz()).date())
    if limits.limit_unit == LimitUnit.CLOCK_HOURS:
        due = parent_warn if parent_warn is not None and start < parent_warn < parent_due else parent_due
    else:
        start_day = timezone.localtime(start, local_tz()).date()
        day = timezone.localtime(parent_due, local_tz()).date()
        for _ in range(max(0, lead_days)):
            earlier = calendar.workday_before(day, not_before=start_day)
            if earlier is None:
                break
            day = earlier
        due = dt.datetime.combine(day, END_OF_DAY, tzinfo=local_tz())
        if min_days > 0:
            due = max(due, add_working_days(start, min_days, calendar))
        due = min(due, parent_due)
    if due <= start:  # the parent's own time is up: the part shares its deadline (red at once)
        due = parent_due
    return due, warn_time(start, due, limits, calendar)


def part_light(part, now: dt.datetime) -> str | None:
    """A co-unit's or sub-unit's own light while its part is open (to sign or signed); None for a
    lead part (the ticket's light is the lead's) or a part without a deadline of its own."""
    if part is None or part.due_at is None or not part.is_current or part.state not in ("pending", "signed"):
        return None
    return light_at(part.due_at, part.warn_at, now)


def co_unit_deadlines(start: dt.datetime, lead: "Deadlines", limits: Limits,
                      calendar: WorkCalendar | None = None) -> tuple[dt.datetime, dt.datetime]:
    """A co-unit's own (due_at, warn_at): settings.HOTLINE_CO_UNIT_LEAD_TIME_WORKING_DAYS before the
    lead's deadline, not before HOTLINE_CO_UNIT_MIN_WORKING_DAYS after dispatch (docs/PRODUCT.md §4.2)."""
    return part_deadlines(start=start, parent_due=lead.due_at, parent_warn=lead.warn_at, limits=limits,
                          lead_days=settings.HOTLINE_CO_UNIT_LEAD_TIME_WORKING_DAYS,
                          min_days=settings.HOTLINE_CO_UNIT_MIN_WORKING_DAYS, calendar=calendar)

# --- end issue 16 items 5 and 6 ---
