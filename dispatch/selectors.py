"""Reads for dispatch: what a person may do next, queues, inboxes, red and yellow lists."""
import re

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from hotline.models import Role, Ticket, TicketEvent, TicketState, Unit
from hotline.models.tickets import HANDLING_STATES
from hotline.privacy import confidential_q, is_confidential
from hotline.selectors import unit_subtree_ids
from hotline.validation import normalize_phone
from hotline.workflow import TRANSITIONS

from .deadlines import light_q, return_window_end
from .models import (
    DONE_PART,
    OPEN_PART,
    UNSETTLED_SUB,
    Assignment,
    ExtensionRequest,
    Reply,
    SupervisionNotice,
    Survey,
    Suspension,
    TicketReturn,
)
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
            # issue 16: the centre reviews a unit's return request and may reassign (改派).
            if TicketReturn.objects.filter(ticket=ticket, state=TicketReturn.State.PENDING).exists():
                actions += ["return/accept", "return/refuse"]
            if state in TRANSITIONS["reassign"].sources:
                actions.append("reassign")
        actions += _office_suspension_actions(user, ticket)
        # issue 16 item 8: 设为保密件 (a 举报 is one from the start)
        if not is_confidential(ticket):
            actions.append("mark-confidential")
        if state == TicketState.REVIEWING and user.has_role(Role.SUPERVISOR, Role.ADMIN):
            actions += ["review-approve", "review-send-back"]  # 办结审核
    if user.role == Role.LEADER and state == TicketState.PENDING_APPROVAL and ticket.leader_id == user.pk:
        actions += ["instruct", "leader-return"]
    if user.role == Role.UNIT_STAFF and user.unit_id:
        assignment = (
            Assignment.objects.filter(ticket=ticket, unit_id=user.unit_id, is_current=True)
            .exclude(state__in=[Assignment.State.CANCELLED, Assignment.State.RETURNED,
                                Assignment.State.REASSIGNED]).first()
        )
        if assignment is not None and state in HANDLING_STATES:
            if assignment.state == Assignment.State.PENDING:
                actions.append("sign")
            if assignment.role == Assignment.Role.LEAD:
                if may_ask_return(assignment):
                    actions.append("return")
                actions.append("suspend")
                if assignment.state == Assignment.State.SIGNED:
                    actions += ["reply", "extensions"]
            elif assignment.state == Assignment.State.SIGNED:
                actions.append("reply")
            actions += hand_down_actions(user, assignment)
    return actions


def may_ask_return(assignment: Assignment) -> bool:
    """The lead unit may ask to return now: within the window after dispatch, with no request of
    this round waiting or refused (dispatch.services.returns says why not, when asked anyway)."""
    if timezone.now() > return_window_end(assignment.assigned_at):
        return False
    return not TicketReturn.objects.filter(
        assignment=assignment, state__in=[TicketReturn.State.PENDING, TicketReturn.State.REFUSED]).exists()


def pending_return(ticket: Ticket) -> TicketReturn | None:
    """The ticket's return request waiting for the centre, if any."""
    return (TicketReturn.objects.filter(ticket=ticket, state=TicketReturn.State.PENDING)
            .select_related("unit", "returned_by").first())


def return_requests_waiting() -> QuerySet[TicketReturn]:
    """退单待审 (the board): requests the centre has not decided yet, the longest waiting first
    (the partial index ticketreturn_pending)."""
    return (TicketReturn.objects.filter(state=TicketReturn.State.PENDING)
            .select_related("ticket", "unit", "returned_by").order_by("created_at", "id"))


# --- 挂起 (issue 16, item 4) ---
def _office_suspension_actions(user, ticket: Ticket) -> list[str]:
    """The office's part: ask (operator too) while the ticket is handled; decide a pending request
    and resume a suspended ticket (supervisors)."""
    actions = []
    if ticket.state in HANDLING_STATES:
        actions.append("suspend")
        if user.has_role(Role.SUPERVISOR, Role.ADMIN) and suspension_pending(ticket) is not None:
            actions.append("suspension-decide")
    elif ticket.state == TicketState.SUSPENDED and user.has_role(Role.SUPERVISOR, Role.ADMIN):
        actions.append("resume")
    return actions


def suspension_pending(ticket: Ticket) -> Suspension | None:
    return Suspension.objects.filter(ticket=ticket, state=Suspension.State.PENDING).first()


def suspension_active(ticket: Ticket) -> Suspension | None:
    return Suspension.objects.filter(ticket=ticket, state=Suspension.State.ACTIVE).first()


def suspensions_pending() -> QuerySet[Suspension]:
    """挂起待审: requests awaiting the centre, the longest waiting first."""
    return (Suspension.objects.filter(state=Suspension.State.PENDING)
            .select_related("ticket", "ticket__lead_unit", "requested_by").order_by("created_at", "id"))


def suspensions_active() -> QuerySet[Suspension]:
    """挂起中: tickets standing still, the one that resumes by itself soonest first."""
    return (Suspension.objects.filter(state=Suspension.State.ACTIVE)
            .select_related("ticket", "ticket__lead_unit").order_by("resume_by", "id"))


def unit_suspended(user) -> QuerySet[Ticket]:
    """A unit's suspended tickets (not in its inbox: they wait, and it can neither sign nor reply)."""
    if user.role != Role.UNIT_STAFF or not user.unit_id:
        return Ticket.objects.none()
    return Ticket.objects.filter(lead_unit_id__in=unit_subtree_ids(user.unit), state=TicketState.SUSPENDED)


def suspended_ticket_of(phone: str) -> Ticket | None:
    """The citizen's ticket that is suspended now (the latest suspended, if several): a text from
    that phone answers its suspension notice."""
    return (Ticket.objects.filter(citizen__phone=phone, state=TicketState.SUSPENDED)
            .order_by("-state_changed_at", "-id").first())
# --- end 挂起 ---


# --- issue 16 items 5 and 6: two-level dispatch and the parts' own deadlines ---

def hand_down_actions(user, assignment: Assignment) -> list[str]:
    """转下级办理 for a signed lead or co part of a unit with active sub-units; 审核/收回 while it
    has parts handed down and not settled. Two small queries, for unit staff on one ticket."""
    if assignment.role == Assignment.Role.SUB or assignment.state != Assignment.State.SIGNED:
        return []
    actions = []
    if Unit.objects.filter(parent_id=assignment.unit_id, is_active=True).exists():
        actions.append("hand-down")
    states = set(Assignment.objects.filter(UNSETTLED_SUB, parent=assignment).values_list("state", flat=True))
    if Assignment.State.REPLIED in states:
        actions.append("hand-down-review")
    if states:
        actions.append("hand-down-withdraw")
    return actions


def sub_parts_for(user, ticket: Ticket) -> list[Assignment]:
    """The parts of `ticket` handed down by the user's unit or units below it (the parent's
    oversight panel), newest first, with their unit, parent unit and latest reply (`last_reply`)."""
    if user.role != Role.UNIT_STAFF or not user.unit_id:
        return []
    parts = list(Assignment.objects.filter(ticket=ticket, role=Assignment.Role.SUB,
                                           parent__unit_id__in=unit_subtree_ids(user.unit))
                 .select_related("unit", "parent__unit").order_by("-id"))
    replies = {}
    for reply in Reply.objects.filter(assignment__in=parts).order_by("id"):
        replies[reply.assignment_id] = reply
    for part in parts:
        part.last_reply = replies.get(part.pk)
    return parts


def with_part_deadlines(qs: QuerySet[Ticket], user) -> QuerySet[Ticket]:
    """Each ticket with `my_due`/`my_warn`: the deadline the unit (with its sub-units) answers
    by — the ticket's where it leads, else its open co-unit or sub-unit part's own (issue 16
    item 6). In the list's own statement: the part's is a correlated subquery that PostgreSQL
    evaluates only for the rows the unit does not lead (CASE's ELSE), the few co/sub ones."""
    units = unit_subtree_ids(user.unit)
    part = (Assignment.objects.filter(OPEN_PART, ticket_id=OuterRef("pk"), unit_id__in=units)
            .order_by("due_at", "id"))
    leads = Q(lead_unit_id__in=units)
    return qs.annotate(
        my_due=Case(When(leads, then=F("due_at")),
                    default=Coalesce(Subquery(part.values("due_at")[:1]), F("due_at"))),
        my_warn=Case(When(leads, then=F("warn_at")),
                     default=Coalesce(Subquery(part.values("warn_at")[:1]), F("warn_at"))),
    )

# --- end issue 16 items 5 and 6 ---


def unit_inbox(user, *, states: list[str] | None = None) -> QuerySet[Ticket]:
    """Tickets a unit (with its sub-units) is handling now: as lead unit, or as co-unit (or a
    sub-unit a part was handed down to, issue 16) until it has replied (its part done, the
    ticket leaves its inbox but stays in its list);
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
    co_ticket_ids = list(  # co-unit and sub-unit parts (issue 16): the partial index assignment_open_part
        Assignment.objects.filter(OPEN_PART, unit_id__in=units).values_list("ticket_id", flat=True)
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


# 工单查询's words: a ticket number (or its leading part), a caller's phone, else the title.
SEARCH_NUMBER_RE = re.compile(r"^\d{6,16}$")
SEARCH_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def office_search_filter(qs: QuerySet[Ticket], *, q: str = "", state: str = "", ticket_type: str = "", light: str = "",
                  unit=None, date_from=None, date_to=None, now=None) -> QuerySet[Ticket]:
    """The centre's 工单查询 conditions (the page /tickets/ and its export): one definition."""
    q = (q or "").strip()
    if q:
        if SEARCH_NUMBER_RE.match(q) and not SEARCH_PHONE_RE.match(q):
            qs = with_number(qs, q)
        elif SEARCH_PHONE_RE.match(q):
            qs = qs.filter(citizen__phone=normalize_phone(q))
        else:
            qs = qs.filter(title__icontains=q)
    if state:
        qs = qs.filter(state=state)
    if ticket_type:
        qs = qs.filter(ticket_type=ticket_type)
    if light:
        qs = qs.filter(light_q(light, now or timezone.now()))
    if unit:
        qs = qs.filter(lead_unit=unit)
    return registered_between(qs, date_from, date_to)


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
    elif q:
        # issue 16 item 8: a confidential ticket is found by its number, never by the words of a
        # title the unit is shown scrubbed (a search for the reporter's name would name them).
        qs = qs.exclude(confidential_q())
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
    if user.role == Role.UNIT_STAFF:
        notices = notices.filter(unit_id__in=unit_subtree_ids(user.unit))
    return list(notices)
