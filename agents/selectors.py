"""Reads of the village agents' app: an agent's own tickets (dispatch.visibility: created_by) and
the centre's by-agent report."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dispatch.models import Survey
from dispatch.visibility import tickets_visible_to
from hotline.errors import NotFound
from hotline.event_kinds import event_label
from hotline.models import Ticket, TicketEvent, TicketState
from hotline.models.tickets import OPEN_STATES

from .models import AgentProfile, Filing

LIST_LIMIT = 100
# What an agent reads of a ticket's timeline: the steps the citizen hears of, never the centre's or a
# unit's internal notes (instructions, return reasons, urges).
PROGRESS_KINDS = ("register", "dispatch", "redispatch", "reassign", "sign", "reply", "review_approve",
                  "extension_approved", "suspend", "resume", "resume_unsigned", "answer_directly",
                  "callback_satisfied", "callback_dissatisfied", "close_without_callback", "merge", "mark_invalid",
                  "agent_notices_off", "photos_added")
SATISFIED = (Survey.Result.SATISFIED, Survey.Result.BASIC)


def agent_tickets(agent) -> QuerySet[Ticket]:
    """The agent's own tickets, newest first (visibility's created_by rule)."""
    return (tickets_visible_to(agent).select_related("lead_unit", "agent_filing")
            .order_by("-created_at")[:LIST_LIMIT])


def agent_ticket(agent, ticket_id: int) -> Ticket:
    ticket = (tickets_visible_to(agent, one_statement=True).select_related("lead_unit", "citizen", "agent_filing")
              .filter(pk=ticket_id).first())
    if ticket is None:
        raise NotFound("工单不存在，或不是您代办的工单")
    return ticket


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    label: str
    text: str


def progress_steps(ticket: Ticket) -> list[Step]:
    steps = []
    for event in TicketEvent.objects.filter(ticket=ticket, kind__in=PROGRESS_KINDS).order_by("id"):
        payload = event.payload or {}
        text = payload.get("reply_text") or payload.get("text") or payload.get("answer") or payload.get("unit") or ""
        if event.kind in ("register", "sign", "agent_notices_off"):
            text = ""
        steps.append(Step(timezone.localtime(event.created_at), event_label(event.kind), str(text)[:500]))
    return steps


@dataclass(frozen=True)
class AgentRow:
    profile: AgentProfile
    filed: int
    open: int
    closed: int
    satisfied: int


def agent_report(*, date_from: dt.date, date_to: dt.date) -> list[AgentRow]:
    """Every agent with the tickets they filed in [date_from, date_to] (local days): filed, still open,
    closed, and closed with a 满意/基本满意 survey. Two grouped queries, whatever the number of tickets."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    filings = Filing.objects.filter(created_at__gte=start, created_at__lt=end)
    counts = {row["agent"]: row for row in filings.values("agent").annotate(
        filed=Count("id"),
        open=Count("id", filter=Q(ticket__state__in=OPEN_STATES)),
        closed=Count("id", filter=Q(ticket__state=TicketState.CLOSED)),
    )}
    satisfied = dict(
        Survey.objects.filter(ticket__agent_filing__in=filings, state=Survey.State.ANSWERED, result__in=SATISFIED)
        .values("ticket__agent_filing__agent").annotate(n=Count("ticket", distinct=True))
        .values_list("ticket__agent_filing__agent", "n"))
    rows = []
    for profile in AgentProfile.objects.select_related("user").order_by("town", "village", "user__username"):
        row = counts.get(profile.user_id, {})
        rows.append(AgentRow(profile, row.get("filed", 0), row.get("open", 0), row.get("closed", 0),
                             satisfied.get(profile.user_id, 0)))
    return rows
