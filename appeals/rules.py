"""What a unit may appeal, and until when: the one reading of the rules that the services, the
button on the unit's ticket page and the tests share (docs/APPEALS.md)."""
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from dispatch.deadlines import add_working_days
from dispatch.models import Assignment, Survey
from hotline.models import Ticket, TicketState
from hotline.models.tickets import FINAL_STATES

from .models import Appeal

KIND_LABELS = dict(Appeal.Kind.choices)


def window_days() -> int:
    return max(1, int(getattr(settings, "APPEAL_WINDOW_WORKING_DAYS", 5)))


def ruling_days() -> int:
    return max(1, int(getattr(settings, "APPEAL_RULING_WORKING_DAYS", 5)))


def window_end(event_at: dt.datetime) -> dt.datetime:
    """The end of the N-th working day after the day of the appealed event (dispatch.calendar)."""
    return add_working_days(event_at, window_days())


def ruling_deadlines(filed_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(due, warn): the ruling is due at the end of the N-th working day after filing; the list
    turns yellow at the end of the working day before (half way for a one-day limit)."""
    due = add_working_days(filed_at, ruling_days())
    warn = add_working_days(filed_at, ruling_days() - 1) if ruling_days() > 1 else filed_at + (due - filed_at) / 2
    return due, warn


@dataclass(frozen=True)
class Appealable:
    """An event a unit may appeal: its kind, when it happened, the unit it is held against,
    the survey answer (dissatisfied only), and the end of the window."""

    kind: str
    event_at: dt.datetime
    unit_id: int | None
    survey: Survey | None
    window_end: dt.datetime


def dissatisfied_event(ticket: Ticket) -> Appealable | None:
    """The ticket's latest dissatisfied answer, held against the unit whose lead reply it judged."""
    survey = (Survey.objects.filter(ticket=ticket, state=Survey.State.ANSWERED, answered_at__isnull=False)
              .order_by("-answered_at", "-pk").first())
    if survey is None or survey.result != Survey.Result.DISSATISFIED:
        return None
    unit_id = (Assignment.objects.filter(ticket=ticket, role=Assignment.Role.LEAD,
                                         replied_at__lte=survey.answered_at)
               .order_by("-replied_at", "-pk").values_list("unit_id", flat=True).first())
    return Appealable(Appeal.Kind.DISSATISFIED, survey.answered_at, unit_id, survey, window_end(survey.answered_at))


def overdue_event(ticket: Ticket, now: dt.datetime | None = None) -> Appealable | None:
    """The ticket closed late, or is (or was replied) past its deadline while its lead unit held it.
    Closed: the window runs from the closing (when 按时办结 was judged); else from the deadline."""
    now = now or timezone.now()
    if ticket.due_at is None or ticket.lead_unit_id is None:
        return None
    if ticket.state == TicketState.CLOSED:
        if ticket.closed_on_time is not False or ticket.closed_at is None:
            return None
        event_at = ticket.closed_at
    elif ticket.state in FINAL_STATES or ticket.state == TicketState.SUSPENDED:
        return None
    elif ticket.due_at < now and (ticket.replied_at is None or ticket.replied_at > ticket.due_at):
        event_at = ticket.due_at
    else:
        return None
    return Appealable(Appeal.Kind.OVERDUE, event_at, ticket.lead_unit_id, None, window_end(event_at))


def appealable(ticket: Ticket, kind: str, now: dt.datetime | None = None) -> Appealable | None:
    if kind == Appeal.Kind.DISSATISFIED:
        return dissatisfied_event(ticket)
    if kind == Appeal.Kind.OVERDUE:
        return overdue_event(ticket, now)
    return None


def already_appealed(ticket: Ticket, event: Appealable) -> Appeal | None:
    """An appeal of the same event, pending or ruled (an event is appealed once)."""
    appeals = Appeal.objects.filter(ticket=ticket, kind=event.kind)
    if event.survey is not None:
        appeals = appeals.filter(survey=event.survey)
    return appeals.order_by("-pk").first()


def kinds_open_to(user, ticket: Ticket, now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """The kinds this unit staff member could appeal on this ticket now (the page's 申诉 button)."""
    if user is None or not getattr(user, "unit_id", None) or user.role != "unit_staff":
        return []
    now = now or timezone.now()
    result = []
    for kind in Appeal.Kind.values:
        event = appealable(ticket, kind, now)
        if (event is not None and event.unit_id == user.unit_id and now <= event.window_end
                and already_appealed(ticket, event) is None and not excused(ticket, event)):
            result.append((kind, KIND_LABELS[kind]))
    return result


def excused(ticket: Ticket, event: Appealable) -> bool:
    if event.survey is not None:
        return event.survey.appeal_upheld
    return ticket.overdue_excused
