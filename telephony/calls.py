"""Incoming calls from the CTI system: newCall → answer → hangup.

On `answer` the operator at that extension gets a pop-up (来电弹屏) with the caller's name,
previous tickets and what the new-ticket form needs; a hangup without answer puts the
call on the callback list (回拨). Events may arrive twice or out of order: each is
applied under a row lock and only moves a call forward.
"""
import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch.deadlines import ticket_light
from hotline.errors import Conflict, InvalidInput
from hotline.models import Citizen, Role, TicketState, TicketType, User
from hotline.permissions import HOTLINE_STAFF, require_role
from hotline.selectors import citizen_history
from hotline.services.identity import caller_identity_record
from hotline.validation import normalize_phone, validate_text
from live.payloads import light_label
from live.push import push_to_roles, push_to_user

from .models import Call

logger = logging.getLogger(__name__)

EVENTS = ("newCall", "answer", "hangup")
CALL_ID_RE = re.compile(r"^[A-Za-z0-9._:@\-]{1,64}$")
NUMBER_RE = re.compile(r"^\+?[\d\-() ]{3,32}$")
EXTENSION_RE = re.compile(r"^[A-Za-z0-9_\-]{1,20}$")
ANONYMOUS = {"", "anonymous", "unknown", "private", "restricted"}
HISTORY_LIMIT = 10
OPERATOR_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class CtiEvent:
    event: str
    call_id: str
    caller: str
    called: str
    extension: str
    at: dt.datetime


def _field(data, *names) -> str:
    for name in names:
        value = data.get(name)
        if value is not None:
            if not isinstance(value, str | int):
                raise InvalidInput(f"字段 {name} 格式错误", field=name)
            return str(value).strip()
    return ""


def _timestamp(raw: str) -> dt.datetime:
    if not raw:
        return timezone.now()
    try:
        if re.fullmatch(r"\d{9,13}(\.\d+)?", raw):
            seconds = float(raw) / (1000 if len(raw.split(".")[0]) == 13 else 1)
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        parsed = dt.datetime.fromisoformat(raw)
    except (ValueError, OverflowError, OSError):
        raise InvalidInput("timestamp 须为ISO时间或Unix时间戳", field="timestamp") from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def parse_cti_event(data) -> CtiEvent:
    """Validate a webhook body (names in the usual CTI spellings are accepted)."""
    if not hasattr(data, "get"):
        raise InvalidInput("请求体须为JSON对象")
    event = _field(data, "event", "type", "eventType")
    if event not in EVENTS:
        raise InvalidInput(f"未知事件「{event[:30]}」，可选：{'、'.join(EVENTS)}", field="event")
    call_id = _field(data, "call_id", "callId", "callid", "uniqueid")
    if not CALL_ID_RE.fullmatch(call_id):
        raise InvalidInput("call_id 缺失或格式错误（1–64位字母、数字或 ._:@-）", field="call_id")
    caller = _field(data, "caller", "from", "ani")
    caller = "" if caller.lower() in ANONYMOUS else caller
    if caller and not NUMBER_RE.fullmatch(caller):
        raise InvalidInput("主叫号码格式错误", field="caller")
    called = _field(data, "called", "to", "dnis")
    if called and not NUMBER_RE.fullmatch(called):
        raise InvalidInput("被叫号码格式错误", field="called")
    extension = _field(data, "extension", "ext", "agent_extension")
    if extension and not EXTENSION_RE.fullmatch(extension):
        raise InvalidInput("分机号格式错误", field="extension")
    if event == "answer" and not extension:
        raise InvalidInput("answer 事件须提供接听坐席的分机号", field="extension")
    return CtiEvent(event=event, call_id=call_id, caller=normalize_phone(caller) if caller else "",
                    called=called, extension=extension, at=_timestamp(_field(data, "timestamp", "time")))


def operator_at(extension: str) -> User | None:
    if not extension:
        return None
    return User.objects.filter(extension=extension, is_active=True, role__in=OPERATOR_ROLES).first()


def _locked_call(evt: CtiEvent) -> tuple[Call, bool]:
    call = Call.objects.select_for_update().filter(call_id=evt.call_id).first()
    if call is not None:
        return call, False
    try:
        with transaction.atomic():
            return Call.objects.create(call_id=evt.call_id, caller=evt.caller, called=evt.called,
                                       extension=evt.extension, started_at=evt.at), True
    except IntegrityError:  # the same call's other event created it a moment ago
        return Call.objects.select_for_update().get(call_id=evt.call_id), False


@transaction.atomic
def cti_event_apply(evt: CtiEvent) -> Call:
    call, _ = _locked_call(evt)
    if evt.caller and not call.caller:
        call.caller = evt.caller
    S = Call.State
    if evt.event == "answer" and call.state == S.MISSED and not call.answered_at:
        # The hangup overtook the answer: the call was taken and is over, no pop-up now.
        call.state, call.answered_at, call.extension = S.COMPLETED, evt.at, evt.extension
        call.operator = operator_at(evt.extension)
    elif evt.event == "answer" and call.state == S.RINGING:
        call.state, call.answered_at, call.extension = S.ANSWERED, evt.at, evt.extension
        call.operator = operator_at(evt.extension)
        if call.operator is None:
            logger.warning("call %s answered at extension %s, which no operator has", call.call_id, evt.extension)
        else:
            operator_id = call.operator.pk
            # issue 20: the pop-up shows a known caller whole to this operator: recorded with the answer
            known = Citizen.objects.filter(phone=call.caller).first() if call.caller else None
            caller_identity_record(actor=call.operator, citizen=known, surface="screen_pop")
            transaction.on_commit(lambda: push_to_user(operator_id, "call.popup", call_popup_payload(call)),
                                  robust=True)
    elif evt.event == "hangup" and call.state in (S.RINGING, S.ANSWERED):
        call.ended_at = evt.at
        if call.state == S.ANSWERED:
            call.state = S.COMPLETED
        else:
            call.state = S.MISSED
            transaction.on_commit(lambda: push_to_roles(OPERATOR_ROLES, "missed.call", missed_call_payload(call)),
                                  robust=True)
    call.save()
    return call


def history_item(ticket) -> dict:
    light = ticket_light(ticket)
    return {
        "id": ticket.pk, "number": ticket.number, "title": ticket.title,
        "state": ticket.state, "state_label": str(TicketState(ticket.state).label),
        "light": light, "light_label": light_label(light),
        "ticket_type_label": str(TicketType(ticket.ticket_type).label),
        "unit": ticket.lead_unit.name if ticket.lead_unit_id else "",
        "created_at": timezone.localtime(ticket.created_at).isoformat(),
    }


def call_popup_payload(call: Call) -> dict:
    """What the console shows when the operator picks up (operators may see names and phones)."""
    citizen = Citizen.objects.filter(phone=call.caller).first() if call.caller else None
    history = citizen_history(call.caller, limit=HISTORY_LIMIT) if call.caller else []
    return {
        "call_id": call.call_id,
        "caller": call.caller,
        "called": call.called,
        "extension": call.extension,
        "citizen": {"name": citizen.name, "phone": citizen.phone, "sms_opt_out": citizen.sms_opt_out}
        if citizen else None,
        "history": [history_item(t) for t in history],
        "open_count": sum(1 for t in history if t.is_open),
        "prefill": {"channel": "phone", "citizen_phone": call.caller,
                    "citizen_name": citizen.name if citizen else "", "call_id": call.call_id},
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
    }


def missed_call_payload(call: Call) -> dict:
    citizen = Citizen.objects.filter(phone=call.caller).first() if call.caller else None
    return {"id": call.pk, "call_id": call.call_id, "caller": call.caller,
            "citizen_name": citizen.name if citizen else "", "started_at": call.started_at.isoformat()}


@transaction.atomic
def call_mark_called_back(*, call: Call, actor, note: str = "") -> Call:
    """回拨: an operator called a missed caller back; the call leaves the callback list."""
    require_role(actor, *HOTLINE_STAFF, what="登记回拨")
    note = validate_text(note, field="note", label="回拨说明", max_length=200, required=False)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.state != Call.State.MISSED:
        raise Conflict("只有未接来电需要回拨")
    if locked.called_back_at is not None:
        raise Conflict(f"该来电已由{locked.called_back_by or '他人'}回拨")
    locked.called_back_at, locked.called_back_by, locked.callback_note = timezone.now(), actor, note
    locked.save(update_fields=["called_back_at", "called_back_by", "callback_note"])
    return locked


def calls_mask_before(*, cutoff) -> int:
    """Retention (issue 20, `pii_retention`): calls older than `cutoff` keep their caller's number
    masked (138****5678), as statistics need no more; set-based, and a second run changes nothing."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Left, Length, Right

    old = (Call.objects.filter(started_at__lt=cutoff).annotate(caller_length=Length("caller"))
           .filter(caller_length__gte=7).exclude(caller__contains="*"))
    return old.update(caller=Concat(Left("caller", 3), Value("****"), Right("caller", 4)))
