"""Reporting a ticket to the leader in charge, and the leader's instruction (批示)."""
from django.db import transaction
from django.db.models import Q

from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Role, Ticket, TicketEvent, Unit, User
from hotline.permissions import HOTLINE_STAFF, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, transition

from ..deadlines import category_ancestry
from ..models import ApprovalPolicy, Instruction


def approval_policy_for(ticket: Ticket) -> ApprovalPolicy | None:
    """The approval rule that applies to the ticket, if any (a policy, not code)."""
    ancestry = category_ancestry(ticket.category) if ticket.category_id else []
    return (
        ApprovalPolicy.objects.filter(is_active=True)
        .filter(
            Q(ticket_type="") | Q(ticket_type=ticket.ticket_type),
            Q(urgency="") | Q(urgency=ticket.urgency),
            Q(category__isnull=True) | Q(category_id__in=ancestry),
        )
        .select_related("leader")
        .order_by("-urgency", "-category_id", "-ticket_type", "pk")
        .first()
    )


def default_leader() -> User | None:
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk").first()


@transaction.atomic
def ticket_submit_for_approval(*, ticket: Ticket, actor, leader: User | None = None, note: str = "") -> Ticket:
    """呈报: the hotline office reports the ticket to a leader, whose phone is notified."""
    require_role(actor, *HOTLINE_STAFF, what="呈报领导")
    note = validate_text(note, field="note", label="呈报说明", max_length=1000, required=False)
    if leader is None:
        policy = approval_policy_for(ticket)
        leader = (policy.leader if policy and policy.leader_id else None) or default_leader()
    if leader is None or leader.role != Role.LEADER or not leader.is_active:
        raise InvalidInput("请选择一位主管领导", field="leader")
    return transition(
        ticket=ticket, action="submit_for_approval", actor=actor,
        payload={"leader_id": leader.pk, "leader": str(leader), "note": note},
        changes={"leader": leader},
    )


@transaction.atomic
def ticket_instruct(*, ticket: Ticket, actor, text: str, units: list[Unit] | tuple = ()) -> Instruction:
    """The leader signs an instruction and may choose or confirm the handling units."""
    require_role(actor, Role.LEADER, what="批示工单")
    if lock_ticket(ticket.pk).leader_id != actor.pk:  # the row as it is now, not as the caller saw it
        raise NotAllowed("该工单未呈报给您")
    text = validate_text(text, field="text", label="批示内容", max_length=2000)
    inactive = [u.name for u in units if not u.is_active]
    if inactive:
        raise InvalidInput(f"单位已停用：{'、'.join(inactive)}", field="units")
    approved = transition(
        ticket=ticket, action="instruct", actor=actor,
        payload={"text": text, "units": [u.pk for u in units], "unit_names": [u.name for u in units]},
    )
    instruction = Instruction.objects.create(ticket=approved, leader=actor, text=text)
    instruction.units.set(units)
    return instruction


def last_submission(ticket: Ticket) -> TicketEvent | None:
    """The event of the latest 呈报 (its payload holds the supervisor's 呈报说明 `note`)."""
    return TicketEvent.objects.filter(ticket=ticket, kind="submit_for_approval").order_by("-id").first()


@transaction.atomic
def ticket_leader_return(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """领导退回: the leader the ticket was reported to declines to instruct and sends it back to
    the hotline office with a reason. The ticket returns to the state it was reported from
    (登记, or 重办 for a reopened ticket), its leader cleared, into the office's queue; the
    supervisor finds the reason on the board and on the ticket page."""
    require_role(actor, Role.LEADER, what="退回工单")
    locked = lock_ticket(ticket.pk)
    if locked.leader_id != actor.pk:
        raise NotAllowed("该工单未呈报给您")
    reason = validate_text(reason, field="reason", label="退回理由", max_length=1000)
    # Only a reopened ticket has been called back about before (reopen_count > 0): nothing
    # else leads into 呈报 from 重办, and a ticket reported from 登记 was never handled.
    action = "leader_return_reopened" if locked.reopen_count else "leader_return"
    submission = last_submission(locked)
    return transition(
        ticket=locked, action=action, actor=actor,
        payload={"reason": reason, "leader_id": actor.pk,
                 "submit_note": (submission.payload or {}).get("note", "") if submission else ""},
        changes={"leader": None},
    )
