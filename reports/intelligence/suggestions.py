"""疑似重复 after registration (issue 16, item 9): every new ticket, whatever its channel (SMS,
web, API, phone, CTI), is compared with the older open tickets once it is committed; what
looks like the same matter is kept as a DuplicateSuggestion, shown on the board (one-click
并单 or 不是重复) and on the ticket's page, with a timeline line so that the board's live list
refreshes when the suggestion exists (not before: the check runs after the registration)."""
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hotline.errors import Conflict
from hotline.models import Ticket, TicketEvent
from hotline.models.tickets import OPEN_STATES
from hotline.permissions import OFFICE, require_role
from hotline.workflow import record_event

from ..models import DuplicateSuggestion
from . import duplicates

# Stricter than while the operator types (duplicates.MIN_SCORE): nobody asked, so only what a
# supervisor would want to look at. The same caller with a similar text, or the same text.
AUTO_MIN_SCORE = 0.5
KEEP = 3
CHECKED_FIELDS = ("pk", "state", "title", "content", "address", "created_at", "citizen_id")


def duplicates_record(*, ticket_id: int, ticket: Ticket | None = None) -> list[DuplicateSuggestion]:
    """Compare a registered ticket with the older open ones and keep the likely duplicates.
    Idempotent: a second run finds the same pairs and adds nothing. `ticket`: already loaded."""
    if ticket is None:
        ticket = Ticket.objects.filter(pk=ticket_id).only(*CHECKED_FIELDS).first()
    if ticket is None or ticket.state not in OPEN_STATES:
        return []
    found = duplicates.find(text=f"{ticket.title} {ticket.content}", title=ticket.title, citizen_id=ticket.citizen_id,
                            address=ticket.address, exclude_id=ticket.pk, now=ticket.created_at)
    # Older tickets only: the newer one goes into the one already being handled.
    found = [f for f in found if f["id"] < ticket.pk and f["score"] >= AUTO_MIN_SCORE][:KEEP]
    if not found:
        return []
    with transaction.atomic():
        known = set(DuplicateSuggestion.objects.filter(ticket=ticket).values_list("candidate_id", flat=True))
        new = [DuplicateSuggestion(ticket=ticket, candidate_id=f["id"], score=f["score"], reasons=f["reasons"])
               for f in found if f["id"] not in known]
        if not new:
            return []
        DuplicateSuggestion.objects.bulk_create(new, ignore_conflicts=True)
        numbers = [f["number"] for f in found if f["id"] not in known]
        record_event(ticket=ticket, kind="duplicate_suggested", actor_label="系统", payload={
            "candidates": numbers, "candidate_ids": [s.candidate_id for s in new],
            "note": f"与工单{'、'.join(numbers)}疑似重复",
        })
    return new


def on_ticket_events(events: list[TicketEvent]) -> None:
    """hotline.notify subscriber: a registration, from any channel, is checked after commit; a
    merge, however it was made (board, ticket page, API), settles the pair it answered."""
    registered = [e.ticket_id for e in events if e.kind == "register"]
    # One query for the batch's tickets (the events' own are not read: other subscribers' fields).
    tickets = Ticket.objects.only(*CHECKED_FIELDS).in_bulk(registered) if registered else {}
    for event in events:
        if event.kind == "register" and event.ticket_id in tickets:
            duplicates_record(ticket_id=event.ticket_id, ticket=tickets[event.ticket_id])
        elif event.kind == "merge" and (into := (event.payload or {}).get("into_id")):
            (DuplicateSuggestion.objects
             .filter(Q(ticket_id=event.ticket_id, candidate_id=into) | Q(ticket_id=into, candidate_id=event.ticket_id),
                     state=DuplicateSuggestion.State.OPEN)
             .update(state=DuplicateSuggestion.State.MERGED, decided_by=event.actor_id, decided_at=event.created_at))


@transaction.atomic
def suggestion_dismiss(*, suggestion: DuplicateSuggestion, actor) -> DuplicateSuggestion:
    """不是重复: the pair leaves the board and the ticket page for good."""
    require_role(actor, *OFFICE, what="处理疑似重复工单")
    locked = DuplicateSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.state != DuplicateSuggestion.State.OPEN:
        raise Conflict("该疑似重复已处理", code="state_conflict")
    locked.state, locked.decided_by, locked.decided_at = DuplicateSuggestion.State.DISMISSED, actor, timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    return locked




def open_suggestions() -> QuerySet[DuplicateSuggestion]:
    """Undecided pairs whose tickets are both still open, newest first (the board's list)."""
    return (DuplicateSuggestion.objects
            .filter(state=DuplicateSuggestion.State.OPEN, ticket__state__in=OPEN_STATES,
                    candidate__state__in=OPEN_STATES)
            .select_related("ticket", "candidate", "candidate__lead_unit")
            .order_by("-created_at", "-id"))


def suggestions_for(ticket: Ticket) -> QuerySet[DuplicateSuggestion]:
    """The open pairs a ticket is in, either side (the ticket page's list)."""
    return open_suggestions().filter(Q(ticket=ticket) | Q(candidate=ticket))


@dataclass(frozen=True)
class Candidate:
    """Another open ticket that looks like this one. `older`: this ticket would go into it
    (并入); otherwise it would come into this one. `suggestion_id`: the stored pair, if any."""

    id: int
    number: str
    title: str
    state_label: str
    unit: str
    reasons: list[str]
    score: float
    older: bool
    suggestion_id: int | None


def duplicate_candidates(ticket: Ticket) -> list[Candidate]:
    """The ticket page's 疑似重复: the stored pairs (either side), then what a fresh look finds
    now (tickets registered before this feature, or since), at the same bar, best first."""
    if ticket.state not in OPEN_STATES:
        return []
    found: dict[int, Candidate] = {}
    for pair in suggestions_for(ticket):
        other = pair.candidate if pair.ticket_id == ticket.pk else pair.ticket
        found[other.pk] = Candidate(other.pk, other.number, other.title, other.get_state_display(),
                                    other.lead_unit.name if other.lead_unit_id else "", pair.reasons,
                                    pair.score, other.pk < ticket.pk, pair.pk)
    dismissed = set(DuplicateSuggestion.objects.filter(
        Q(ticket=ticket) | Q(candidate=ticket), state=DuplicateSuggestion.State.DISMISSED,
    ).values_list("ticket_id", "candidate_id"))
    dismissed = {i for pair in dismissed for i in pair} - {ticket.pk}
    live = duplicates.find(text=f"{ticket.title} {ticket.content}", title=ticket.title,
                           citizen_id=ticket.citizen_id, address=ticket.address, exclude_id=ticket.pk)
    for f in live:
        if f["id"] not in found and f["id"] not in dismissed and f["score"] >= AUTO_MIN_SCORE:
            found[f["id"]] = Candidate(f["id"], f["number"], f["title"], f["state_label"], f["lead_unit"] or "",
                                       f["reasons"], f["score"], f["id"] < ticket.pk, None)
    return sorted(found.values(), key=lambda c: -c.score)[:KEEP * 2]
