"""Callback satisfaction surveys (回访)."""
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput
from hotline.models import Ticket
from hotline.permissions import HOTLINE_STAFF, OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import transition

from ..models import Survey
from .parts import co_parts_close, release_units

CLOSED_WITH_CO_PARTS_OPEN = "工单已办结，协办单位未答复的部分随之结束"
RESULT_ACTIONS = {
    Survey.Result.SATISFIED: "callback_satisfied",
    Survey.Result.BASIC: "callback_satisfied",
    Survey.Result.DISSATISFIED: "callback_dissatisfied",
}


def survey_open(*, ticket: Ticket) -> Survey:
    """Open the pending survey for a replied ticket (idempotent). SMS goes by default when the
    citizen has a phone and has not opted out; otherwise an operator calls back."""
    existing = Survey.objects.filter(ticket=ticket, state=Survey.State.PENDING).first()
    if existing:
        return existing
    citizen = ticket.citizen
    method = Survey.Method.SMS
    if citizen is None or citizen.sms_opt_out or not citizen.phone.startswith("1"):
        method = Survey.Method.PHONE
    return Survey.objects.create(ticket=ticket, method=method, due_at=ticket.callback_due_at)


@transaction.atomic
def survey_record(
    *,
    ticket: Ticket,
    result: str,
    actor=None,
    actor_label: str = "",
    resolved: bool | None = None,
    comment: str = "",
    method: str | None = None,
) -> Survey:
    """Record the citizen's answer. Satisfied / basically satisfied closes the ticket;
    dissatisfied reopens it for re-handling (重办). Staff record phone callbacks;
    SMS answers come in as the system (actor=None)."""
    if actor is not None:
        require_role(actor, *HOTLINE_STAFF, what="登记回访结果")
    if result not in Survey.Result.values:
        raise InvalidInput("回访结果须为 满意 / 基本满意 / 不满意", field="result")
    comment = validate_text(comment, field="comment", label="市民意见", max_length=1000, required=False)
    survey = Survey.objects.select_for_update().filter(ticket=ticket, state=Survey.State.PENDING).first()
    if survey is None:
        raise Conflict("该工单没有待回访的记录", code="no_pending_survey")
    now = timezone.now()
    action = RESULT_ACTIONS[result]
    if resolved is None:
        resolved = result != Survey.Result.DISSATISFIED
    changes = {}
    if action == "callback_satisfied":
        changes = {"closed_at": now, "closed_on_time": _on_time(ticket)}
    else:
        changes = {"lead_unit": None, "due_at": None, "warn_at": None, "sign_due_at": None,
                   "reopen_count": ticket.reopen_count + 1}
    transition(
        ticket=ticket, action=action, actor=actor, actor_label=actor_label,
        payload={"result": result, "result_label": str(Survey.Result(result).label),
                 "resolved": resolved, "comment": comment, "method": method or survey.method},
        changes=changes,
    )
    survey.state = Survey.State.ANSWERED
    survey.result, survey.resolved, survey.comment = result, resolved, comment
    survey.answered_at, survey.recorded_by = now, actor
    if method:
        survey.method = method
    survey.save()
    if action == "callback_satisfied":
        co_parts_close(ticket=ticket, actor=actor, why=CLOSED_WITH_CO_PARTS_OPEN)
    else:
        release_units(ticket, note="回访不满意，工单重办")
    return survey


def _on_time(ticket: Ticket) -> bool:
    fresh = Ticket.objects.only("replied_at", "due_at").get(pk=ticket.pk)
    return bool(fresh.replied_at and fresh.due_at and fresh.replied_at <= fresh.due_at)


@transaction.atomic
def ticket_close_without_callback(*, ticket: Ticket, actor, note: str) -> Ticket:
    """The citizen could not be reached within the callback limit: the office closes the ticket."""
    require_role(actor, *OFFICE, what="办结工单")
    note = validate_text(note, field="note", label="办结说明", max_length=1000)
    Survey.objects.filter(ticket=ticket, state=Survey.State.PENDING).update(state=Survey.State.EXPIRED)
    closed = transition(
        ticket=ticket, action="close_without_callback", actor=actor, payload={"note": note},
        changes={"closed_at": timezone.now(), "closed_on_time": _on_time(ticket)},
    )
    co_parts_close(ticket=closed, actor=actor, why=CLOSED_WITH_CO_PARTS_OPEN)
    return closed
