"""Notices by SMS, driven by ticket events (hotline.notify), each recorded on the timeline.

citizen:   receipt (register), dispatched-to (dispatch/redispatch), result (reply),
           survey (survey_sent; `survey_send` records that event)
leader:    a ticket awaits instruction, with a link (submit_for_approval)
unit head: new assignment (dispatch/redispatch), urge (yellow), supervision (red)
"""
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, NotFound
from hotline.models import Channel, Ticket, TicketEvent, Unit, User
from hotline.privacy import mask_phone
from hotline.workflow import lock_ticket, record_event

from . import codec
from .models import Message, Recipient, SmsTemplate
from .services import SmsError, sms_send
from .texts import DEFAULTS, render

logger = logging.getLogger(__name__)
RESULT_EXCERPT = 120
RECIPIENT_LABELS = dict(Recipient.choices)


@dataclass(frozen=True)
class Notice:
    template: str
    to: str
    recipient: str
    context: dict


def template_for(key: str) -> tuple[str, bool] | None:
    """(text, optional) of an active template; the built-in default when the row is missing."""
    row = SmsTemplate.objects.filter(key=key).values_list("text", "optional", "is_active").first()
    if row is None:
        _, _, optional, text, _ = DEFAULTS[key]
        return text, optional
    text, optional, active = row
    return (text, optional) if active else None


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%m月%d日%H:%M") if value else "规定时限"


def ticket_context(ticket: Ticket) -> dict:
    return {"number": ticket.number, "title": ticket.title[:20].rstrip("，。、,.!！?？；; "),
            "unit": ticket.lead_unit.name if ticket.lead_unit_id else "承办单位",
            "due": local_time(ticket.due_at)}


def notices_for(event: TicketEvent) -> list[Notice]:
    ticket = event.ticket
    kind, payload = event.kind, event.payload or {}
    base = ticket_context(ticket)
    citizen = ticket.citizen
    citizen_phone = citizen.phone if citizen and codec.is_mobile(citizen.phone) else ""
    out: list[Notice] = []

    def to_citizen(template: str, **extra):
        if citizen_phone:
            out.append(Notice(template, citizen_phone, Recipient.CITIZEN, base | extra))

    def to_unit_head(template: str, unit: Unit | None, **extra):
        if unit and unit.head_phone and codec.is_mobile(unit.head_phone):
            out.append(Notice(template, unit.head_phone, Recipient.UNIT_HEAD, base | {"unit": unit.name} | extra))

    if kind == "register":
        to_citizen("citizen_receipt")
    elif kind in ("dispatch", "redispatch"):
        to_citizen("citizen_dispatched")
        units = Unit.objects.in_bulk([payload.get("lead_unit_id"), *payload.get("co_unit_ids", [])])
        to_unit_head("unit_assigned", units.get(payload.get("lead_unit_id")), role="主办")
        for unit_id in payload.get("co_unit_ids", []):
            to_unit_head("unit_assigned", units.get(unit_id), role="协办")
    elif kind == "reply":
        result = (payload.get("text") or "").strip()
        if len(result) > RESULT_EXCERPT:
            result = result[:RESULT_EXCERPT] + "…"
        to_citizen("citizen_result", result=result)
    elif kind == "survey_sent":
        to_citizen("citizen_survey")
    elif kind == "submit_for_approval":
        leader = User.objects.filter(pk=payload.get("leader_id") or ticket.leader_id).first()
        if leader and codec.is_mobile(leader.phone):
            link = f"{settings.PUBLIC_BASE_URL}/m/tickets/{ticket.pk}/"
            out.append(Notice("leader_pending", leader.phone, Recipient.LEADER,
                              base | {"leader": str(leader), "link": link}))
    elif kind in ("urge", "supervise"):
        unit = Unit.objects.filter(pk=payload.get("unit_id") or ticket.lead_unit_id).first()
        to_unit_head("unit_urge" if kind == "urge" else "unit_supervise", unit)
    return out


def send_notice(*, ticket: Ticket, notice: Notice, event_id: int | None, transactional: bool = False) -> Message | None:
    """Queue one notice and put it on the ticket's timeline. `transactional`: the citizen just
    texted us, so the answer goes even to a number that opted out of notices."""
    template = template_for(notice.template)
    if template is None:
        return None
    text, optional = template
    optional = optional and not transactional
    body = render(text, notice.context)
    key = f"{notice.template}:{event_id}:{notice.to}" if event_id else None
    try:
        with transaction.atomic():
            existing = Message.objects.filter(dedupe_key=key).exists() if key else False
            message = sms_send(to=notice.to, body=body, kind=notice.template, optional=optional,
                               ticket=ticket, dedupe_key=key)
            if not existing:
                record_event(
                    ticket=ticket, kind="sms_sent", actor_label="短信平台",
                    payload={"sid": message.sid, "template": notice.template,
                             "recipient": notice.recipient, "recipient_label": str(RECIPIENT_LABELS[notice.recipient]),
                             "to": mask_phone(notice.to), "body": body, "segments": message.num_segments},
                )
            return message
    except SmsError as exc:
        if exc.twilio_code == 21610:
            logger.info("notice %s to %s skipped: opted out", notice.template, mask_phone(notice.to))
            return None
        raise


def on_ticket_event(event: TicketEvent) -> None:
    """hotline.notify subscriber: runs after commit, once per event."""
    if event.kind == "sms_sent":
        return
    transactional = event.kind == "register" and event.ticket.channel == Channel.SMS
    for notice in notices_for(event):
        try:
            send_notice(ticket=event.ticket, notice=notice, event_id=event.pk, transactional=transactional)
        except Exception:  # one bad number must not stop the other recipients
            logger.exception("SMS notice %s for event %s failed", notice.template, event.pk)


@transaction.atomic
def survey_send(*, survey_id: int):
    """Send the satisfaction survey by SMS: records `survey_sent` on the timeline, whose
    subscriber sends the text. Idempotent: a survey already sent is not sent again.
    Returns the event, or None when nothing was due (answered, by phone, already sent)."""
    from dispatch.models import Survey

    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound("回访记录不存在")
    lock_ticket(survey.ticket_id)
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    if survey.state != Survey.State.PENDING:
        raise Conflict("该回访已结束，无需发送")
    if survey.method != Survey.Method.SMS or survey.sent_at is not None:
        return None
    survey.sent_at = timezone.now()
    survey.save(update_fields=["sent_at"])
    return record_event(ticket=survey.ticket, kind="survey_sent", actor_label="短信平台",
                        payload={"survey_id": survey.pk})
