"""退单审核 (issue 16, item 1): a lead unit asks to return a ticket; the centre accepts or refuses.

A unit may ask only within HOTLINE_RETURN_WINDOW_WORKING_DAYS working days after the ticket was
dispatched to it, with a reason from a list and a text. While the request waits the ticket stays
with the unit and its deadline keeps running (event `return_requested`). A supervisor (or admin)
then either accepts it: the ticket is returned through the "return" transition, as a unit's
return always was, and is re-dispatched at once when a unit is named; or refuses it with a
reason (event `return_refused`): the ticket stays with the unit with its original deadline.
Of two supervisors deciding at once one wins, the other gets 409: the decision is a conditional
UPDATE of the pending row. The unit's reply, a merge, a reassignment and the like withdraw a
pending request (parts.withdraw_returns)."""
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import Category, Ticket, Unit
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event, touch, transition

from ..deadlines import iso_local, return_review_due, return_window_end
from ..models import Assignment, TicketReturn
from .handling import require_assignment, ticket_dispatch
from .parts import release_units

REASON_LABELS = dict(TicketReturn.Reason.choices)


def local_minute(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@transaction.atomic
def ticket_return(*, ticket: Ticket, actor, reason_code: str, reason: str) -> TicketReturn:
    """退单申请: the lead unit asks the centre to take the ticket back, within the window after
    dispatch, with a reason code (TicketReturn.Reason) and a text. The ticket keeps its state and
    its deadline while the centre reviews."""
    assignment = require_assignment(ticket, actor, what="退单")
    if assignment.role != Assignment.Role.LEAD:
        raise NotAllowed("协办单位不能退单，请联系主办单位或热线办")
    if reason_code not in REASON_LABELS:
        raise InvalidInput("请选择退单原因：" + "、".join(str(label) for label in REASON_LABELS.values()),
                           field="reason_code")
    reason = validate_text(reason, field="reason", label="退单理由", max_length=1000)
    locked = lock_ticket(ticket.pk)  # require_assignment holds the lock; this is the fresh row
    now = timezone.now()
    window_end = return_window_end(assignment.assigned_at)
    if now > window_end:
        days = max(1, settings.HOTLINE_RETURN_WINDOW_WORKING_DAYS)
        raise Conflict(f"退单须在派单后{days}个工作日内提出，本工单的退单期限已于{local_minute(window_end)}截止。"
                       "请按时办理；确有困难的可申请延期，或与热线办联系", code="return_window_passed")
    if TicketReturn.objects.filter(assignment=assignment, state=TicketReturn.State.REFUSED).exists():
        raise Conflict("本工单的退单申请已被热线办驳回，请按原办理时限办理", code="return_refused")
    try:
        with transaction.atomic():
            request = TicketReturn.objects.create(
                ticket=locked, assignment=assignment, unit=actor.unit, returned_by=actor,
                reason_code=reason_code, reason=reason, review_due_at=return_review_due(now),
            )
    except IntegrityError:
        raise Conflict("该工单已有退单申请在审核中，请等待热线办审核", code="return_pending") from None
    touch(locked)
    record_event(ticket=locked, kind="return_requested", actor=actor, payload={
        "return_id": request.pk, "unit": actor.unit.name, "unit_id": actor.unit_id,
        "reason_code": reason_code, "reason_label": str(REASON_LABELS[reason_code]), "reason": reason,
        "review_due_at": iso_local(request.review_due_at),
    })
    return request


def _decide(ticket: Ticket, *, state: str, actor, note: str) -> TicketReturn:
    """Claim the ticket's pending request for this decision: a conditional UPDATE, so that of two
    deciders exactly one changes the row and the other is told it was decided (409)."""
    pending_id = (TicketReturn.objects.filter(ticket=ticket, state=TicketReturn.State.PENDING)
                  .values_list("pk", flat=True).first())
    claimed = pending_id is not None and TicketReturn.objects.filter(
        pk=pending_id, state=TicketReturn.State.PENDING,
    ).update(state=state, decided_by=actor, decided_at=timezone.now(), decision_note=note)
    if not claimed:
        raise Conflict("该工单没有待审核的退单申请（可能已由他人审核，或承办单位已回复）", code="return_not_pending")
    return TicketReturn.objects.select_related("unit", "returned_by").get(pk=pending_id)


@transaction.atomic
def ticket_return_accept(*, ticket: Ticket, actor, note: str = "", lead_unit: Unit | None = None,
                         co_units=(), category: Category | None = None) -> Ticket:
    """同意退单: the ticket is returned (the "return" transition: no unit, no deadline) and, when
    `lead_unit` is named, re-dispatched to it at once through ticket_dispatch."""
    require_role(actor, *OFFICE, what="审核退单申请")
    note = validate_text(note, field="note", label="审核意见", max_length=1000, required=False)
    co_units = list(co_units or ())
    if lead_unit is None and co_units:
        raise InvalidInput("指定协办单位时须同时指定主办单位", field="lead_unit")
    locked = lock_ticket(ticket.pk)
    request = _decide(locked, state=TicketReturn.State.ACCEPTED, actor=actor, note=note)
    if lead_unit is not None and lead_unit.pk == request.unit_id:
        raise InvalidInput("重新派单须选择申请退单的单位以外的单位", field="lead_unit")
    returned = transition(
        ticket=locked, action="return", actor=actor,
        payload={"return_id": request.pk, "unit": request.unit.name, "unit_id": request.unit_id,
                 "reason_code": request.reason_code, "reason_label": request.get_reason_code_display(),
                 "reason": request.reason, "requested_by": str(request.returned_by), "note": note},
        changes={"lead_unit": None, "due_at": None, "warn_at": None, "sign_due_at": None},
    )
    Assignment.objects.filter(pk=request.assignment_id).update(
        is_current=False, state=Assignment.State.RETURNED, ended_at=timezone.now())
    release_units(returned, note="工单已退回")
    if lead_unit is not None:
        returned = ticket_dispatch(ticket=returned, actor=actor, lead_unit=lead_unit, co_units=co_units,
                                   note=note, category=category)
    return returned


@transaction.atomic
def ticket_return_refuse(*, ticket: Ticket, actor, reason: str) -> TicketReturn:
    """驳回退单: the ticket stays with the unit, its original deadline running; the unit is shown
    the reason."""
    require_role(actor, *OFFICE, what="审核退单申请")
    reason = validate_text(reason, field="reason", label="驳回理由", max_length=1000)
    locked = lock_ticket(ticket.pk)
    request = _decide(locked, state=TicketReturn.State.REFUSED, actor=actor, note=reason)
    touch(locked)
    record_event(ticket=locked, kind="return_refused", actor=actor, payload={
        "return_id": request.pk, "unit": request.unit.name, "unit_id": request.unit_id, "reason": reason,
        "due_at": iso_local(locked.due_at),
    })
    return request
