"""Extension requests (延期): a unit asks, the hotline office decides; approval moves the deadline."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput, NotAllowed, NotFound
from hotline.models import Ticket, TicketState
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event, touch

from ..deadlines import add_working_days, iso_local, limits_for_ticket, warn_time
from ..models import Assignment, ExtensionRequest
from ..timers import schedule_light_timers
from .calendar import note_uncovered_calendar
from .handling import require_assignment

MAX_EXTRA_DAYS = 30


@transaction.atomic
def extension_request(*, ticket: Ticket, actor, reason: str, extra_days: int) -> ExtensionRequest:
    assignment = require_assignment(ticket, actor, what="申请延期")
    if assignment.role != Assignment.Role.LEAD:
        raise NotAllowed("只有主办单位可以申请延期")
    reason = validate_text(reason, field="reason", label="延期理由", max_length=1000)
    if not isinstance(extra_days, int) or not 1 <= extra_days <= MAX_EXTRA_DAYS:
        raise InvalidInput(f"延长天数须为1到{MAX_EXTRA_DAYS}个工作日", field="extra_days")
    locked = lock_ticket(ticket.pk)
    if locked.state != TicketState.IN_PROGRESS:
        raise Conflict("工单签收后、回复前才能申请延期", code="state_conflict")
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                ticket=locked, assignment=assignment, requested_by=actor, reason=reason,
                extra_days=extra_days, old_due_at=locked.due_at,
            )
    except IntegrityError:
        raise Conflict("已有一份延期申请在审核中") from None
    record_event(ticket=locked, kind="extension_requested", actor=actor,
                 payload={"extension_id": extension.pk, "extra_days": extra_days, "reason": reason})
    return extension


@transaction.atomic
def extension_decide(*, extension: ExtensionRequest, actor, approve: bool, note: str = "") -> ExtensionRequest:
    require_role(actor, *OFFICE, what="审核延期申请")
    note = validate_text(note, field="note", label="审核意见", max_length=1000, required=False)
    locked_ticket = lock_ticket(extension.ticket_id)
    try:
        locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    except ExtensionRequest.DoesNotExist:
        raise NotFound("延期申请不存在") from None
    if locked.state != ExtensionRequest.State.PENDING:
        raise Conflict("该延期申请已审核")
    now = timezone.now()
    locked.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note
    payload = {"extension_id": locked.pk, "note": note}
    if approve:
        if locked_ticket.state not in (TicketState.IN_PROGRESS, TicketState.DISPATCHED):
            raise Conflict("工单已不在办理中，无需延期")
        base = max(locked_ticket.due_at or now, now)
        new_due = add_working_days(base, locked.extra_days)
        locked.new_due_at = new_due
        start = locked_ticket.dispatched_at or now
        locked_ticket.due_at = new_due
        locked_ticket.warn_at = warn_time(start, new_due, limits_for_ticket(locked_ticket))
        touch(locked_ticket, "due_at", "warn_at")
        # Notices follow the new deadline: a light the ticket has not reached yet may notify again.
        schedule_light_timers(ticket=locked_ticket, now=now, only_future=True)
        payload |= {"old_due_at": iso_local(locked.old_due_at), "new_due_at": iso_local(new_due)}
    locked.save()
    record_event(ticket=locked_ticket, kind="extension_approved" if approve else "extension_rejected",
                 actor=actor, payload=payload)
    if approve:
        note_uncovered_calendar(ticket=locked_ticket, start=base, end=locked.new_due_at)
    return locked
