"""Reads for dispatch: what a person may do next, queues, inboxes, red and yellow lists."""
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hotline.models import Role, Ticket, TicketEvent, TicketState
from hotline.models.tickets import HANDLING_STATES
from hotline.selectors import unit_subtree_ids
from hotline.workflow import TRANSITIONS

from .deadlines import light_q
from .models import DONE_PART, OPEN_CO_PART, Assignment, ExtensionRequest, Reply, SupervisionNotice, Survey
from .visibility import tickets_visible_to

OFFICE_ACTIONS = {
    "answer_directly": "answer", "submit_for_approval": "submit-for-approval", "dispatch": "dispatch",
    "redispatch": "dispatch", "merge": "merge", "mark_invalid": "invalid",
    "close_without_callback": "close",
}


def ticket_actions_for(user, ticket: Ticket) -> list[str]:
    """The API action names this user may try on this ticket now (for buttons and clients)."""
    if user is None or not user.is_authenticated:
        return []
    state = ticket.state
    actions: list[str] = []
    if user.has_role(Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
        for name, path in OFFICE_ACTIONS.items():
            if state in TRANSITIONS[name].sources and path not in actions:
                if name == "close_without_callback" and not user.has_role(Role.SUPERVISOR, Role.ADMIN):
                    continue
                actions.append(path)
        if state == TicketState.REPLIED:
            actions.append("callback")
        if state in HANDLING_STATES and user.has_role(Role.SUPERVISOR, Role.ADMIN):
            actions += ["urge", "supervise"]
        if state == TicketState.REVIEWING and user.has_role(Role.SUPERVISOR, Role.ADMIN):
            actions += ["review-approve", "review-send-back"]  # 办结审核
    if user.role == Role.LEADER and state == TicketState.PENDING_APPROVAL and ticket.leader_id == user.pk:
        actions += ["instruct", "leader-return"]
    if user.role == Role.UNIT_STAFF and user.unit_id:
        assignment = (
            Assignment.objects.filter(ticket=ticket, unit_id=user.unit_id, is_current=True)
            .exclude(state__in=[Assignment.State.CANCELLED, Assignment.State.RETURNED]).first()
        )
        if assignment is not None and state in HANDLING_STATES:
            if assignment.state == Assignment.State.PENDING:
                actions.append("sign")
            if assignment.role == Assignment.Role.LEAD:
                actions.append("return")
                if assignment.state == Assignment.State.SIGNED:
                    actions += ["reply", "extensions"]
            elif assignment.state == Assignment.State.SIGNED:
                actions.append("reply")
    return actions


def unit_inbox(user, *, states: list[str] | None = None) -> QuerySet[Ticket]:
    """Tickets a unit (with its sub-units) is handling now: as lead unit, or as co-unit until
    it has replied (its part done, the ticket leaves its inbox but stays in its list);
    `states` narrows them to some of the handling states (an empty list: none).

    The co-unit tickets are looked up first (few: a partial index holds only unfinished
    co-unit parts, not every one the unit ever had) and passed as ids, so that the page is
    read as two index scans (hotline.lookups) instead of testing every open ticket in the
    city against both conditions. The lookup reads the assignments alone (an index-only scan,
    planned in a tenth of the time of a join with the tickets): the page's own state
    condition drops the few whose ticket is no longer being handled. The states are one condition, not
    the handling states and then the asked ones: PostgreSQL would multiply the two
    estimates and, expecting a handful of rows, sort all of the unit's tickets."""
    states = sorted(HANDLING_STATES) if states is None else sorted(set(states) & HANDLING_STATES)
    if user.role != Role.UNIT_STAFF or not user.unit_id or not states:
        return Ticket.objects.none()
    units = unit_subtree_ids(user.unit)
    co_ticket_ids = list(
        Assignment.objects.filter(OPEN_CO_PART, unit_id__in=units).values_list("ticket_id", flat=True)
    )
    mine = Q(lead_unit_id__in=units)
    if co_ticket_ids:
        mine |= Q(pk__seen_through=co_ticket_ids)
    return Ticket.objects.filter(mine, state__in=states)


def unit_done_parts(user) -> QuerySet[Assignment]:
    """A unit's 已办 (with its sub-units'): the parts it has finished with — replied (as lead or
    co-unit), handed back (退单), or closed with the ticket while unanswered — newest first.
    One row per part: a ticket handled in two rounds shows twice, once for each round."""
    if user.role != Role.UNIT_STAFF or not user.unit_id:
        return Assignment.objects.none()
    return (Assignment.objects.filter(DONE_PART, unit_id__in=unit_subtree_ids(user.unit))
            .order_by("-ended_at", "-id"))  # as the index assignment_unit_done reads


def with_number(qs: QuerySet[Ticket], number: str) -> QuerySet[Ticket]:
    """A whole ticket number is one unique-index probe; a leading part (a day, "261122") a range on it."""
    return qs.filter(number=number) if len(number) >= 11 else qs.filter(number__startswith=number)


def registered_between(qs: QuerySet[Ticket], date_from=None, date_to=None) -> QuerySet[Ticket]:
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def unit_ticket_search(user, *, q: str = "", date_from=None, date_to=None) -> QuerySet[Ticket]:
    """A unit searching its own tickets (tickets_visible_to: what it leads or had a part in,
    with its sub-units'; never another unit's): by number (whole, or a leading part such as
    a day "261122"), or by words of the title (all must appear); by registration date."""
    if user.role != Role.UNIT_STAFF or not user.unit_id:
        return Ticket.objects.none()
    qs = tickets_visible_to(user)
    q = (q or "").strip()
    if q.isdigit():
        qs = with_number(qs, q)
    else:
        for word in q.split()[:8]:
            qs = qs.filter(title__icontains=word)
    return registered_between(qs, date_from, date_to).order_by("-created_at", "-id")


LEADER_RETURN_KINDS = ("leader_return", "leader_return_reopened")
# The states a 领导退回 leads to (hotline.workflow.TRANSITIONS).
LEADER_RETURN_STATES = (TicketState.REGISTERED, TicketState.REOPENED)


def leader_returns_waiting() -> QuerySet[TicketEvent]:
    """领导退回 the office has not acted on yet: the ticket is still where the leader sent it
    (no transition since: each sets state_changed_at, and the return's event is written after
    its own). Read from the events of those kinds (an index on kind; returns are rare)."""
    return (TicketEvent.objects.filter(kind__in=LEADER_RETURN_KINDS, ticket__state__in=LEADER_RETURN_STATES,
                                       created_at__gte=F("ticket__state_changed_at"))
            .select_related("ticket", "actor").order_by("created_at", "id"))


def leader_return_pending(ticket: Ticket) -> TicketEvent | None:
    """The leader's return this ticket is waiting on the office for, if any (for its page)."""
    if ticket.state not in LEADER_RETURN_STATES:
        return None
    return (TicketEvent.objects.filter(ticket=ticket, kind__in=LEADER_RETURN_KINDS,
                                       created_at__gte=ticket.state_changed_at)
            .select_related("actor").order_by("-id").first())


def leader_queue(user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(leader=user, state=TicketState.PENDING_APPROVAL)


def approval_queue() -> QuerySet[Ticket]:
    return Ticket.objects.filter(state__in=[TicketState.REGISTERED, TicketState.APPROVED, TicketState.REOPENED])


def returned_queue() -> QuerySet[Ticket]:
    return Ticket.objects.filter(state=TicketState.RETURNED)


def pending_extensions(user) -> QuerySet[ExtensionRequest]:
    visible = tickets_visible_to(user)
    return ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING, ticket__in=visible)


# --- 办结审核 (issue 16 item 3) ---
def replies_awaiting_review() -> QuerySet[Reply]:
    """The board's 待审核: lead replies the centre has not decided yet, the longest waiting first
    (the partial index reply_review_pending holds only these)."""
    return (Reply.objects.filter(review_state=Reply.Review.PENDING, ticket__state=TicketState.REVIEWING)
            .order_by("created_at", "id"))


def sent_back_replies(ticket_ids) -> dict[int, Reply]:
    """For tickets a unit holds: the lead reply the centre sent back (退回重办) and the unit has
    not replied to anew yet, by ticket id (the latest lead reply of the current round is a
    sent-back one). One query for a page of tickets."""
    latest: dict[int, Reply] = {}
    for reply in (Reply.objects.filter(ticket_id__in=list(ticket_ids), is_lead=True, assignment__is_current=True)
                  .select_related("reviewed_by").order_by("created_at", "id")):
        latest[reply.ticket_id] = reply
    return {tid: r for tid, r in latest.items() if r.review_state == Reply.Review.SENT_BACK}


def sent_back_reply(ticket: Ticket) -> Reply | None:
    """The send-back (退回重办) a ticket in hand waits on its unit to answer, if any."""
    if ticket.state not in HANDLING_STATES:
        return None
    return sent_back_replies([ticket.pk]).get(ticket.pk)
# --- end 办结审核 ---


def with_urges(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Each ticket with `urge_count` (催办 so far, the sweep's included) and `last_urged_at`,
    read in the list's own query: two correlated subqueries on the events' (ticket, id) index."""
    urges = TicketEvent.objects.filter(ticket_id=OuterRef("pk"), kind="urge").order_by().values("ticket_id")
    return qs.annotate(
        urge_count=Coalesce(Subquery(urges.annotate(n=Count("id")).values("n")), Value(0),
                            output_field=IntegerField()),
        last_urged_at=Subquery(urges.annotate(last=Max("created_at")).values("last")),
    )


def light_list(light: str, user=None) -> QuerySet[Ticket]:
    base = tickets_visible_to(user) if user is not None else Ticket.objects.all()
    return base.filter(light_q(light, timezone.now()))


def callback_queue() -> QuerySet[Survey]:
    return Survey.objects.filter(state=Survey.State.PENDING).select_related("ticket")


def notices_for(user, ticket) -> list[SupervisionNotice]:
    """The notices of a ticket this user may open (for ticket pages to link to), newest first."""
    notices = SupervisionNotice.objects.filter(ticket=ticket)
    if user.role == Role.UNIT_STAFF and not user.is_superuser:
        notices = notices.filter(unit_id__in=unit_subtree_ids(user.unit))
    return list(notices)
