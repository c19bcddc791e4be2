"""Notices by SMS, driven by ticket events (hotline.notify), each recorded on the timeline.

citizen:   receipt (register), dispatched-to (dispatch), result (reply, or review_approve when the
           centre reviews replies of the type: never before the approval),
           survey (survey_sent, recorded by dispatch.timers.send_due_surveys), and the turns on
           the way (中途提醒): another unit now (redispatch), a later deadline (extension_approved),
           merged into another ticket (merge), not accepted (mark_invalid), suspended and how a
           reply resumes it (suspend), resumed with its new deadline (resume, resume_unsigned)
leader:    a ticket awaits instruction, with a link (submit_for_approval)
unit head: new assignment (dispatch/redispatch/reassign; a sub-unit's: hand_down, issue 16), urge
           (yellow), supervision (red), the
           centre's decision on its return request (return after review, return_refused), its
           suspension request decided (suspend, suspension_rejected), resumed (resume, resume_unsigned), the centre sent
           the reply back (review_send_back: 退回重办, with the reason)
改派 (reassign) tells the citizen as a re-dispatch does (citizen_redispatched); the old unit
learns of it by push (it keeps seeing the ticket), not by SMS.
copies:    whoever another app names through `register_citizen_copies` gets the citizen's notices too
           (issue 19: the village agent who filed the ticket, unless the citizen opted the agent out),
           even when the citizen has no mobile number.
"""
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hotline.events import new_event, save_events
from hotline.models import Channel, Role, Ticket, TicketEvent, Unit, User
from hotline.privacy import mask_phone, ticket_as_seen_as

from . import codec
from .models import Message, Recipient, SmsTemplate
from .services import SmsError, message_new, sms_send_many
from .texts import DEFAULTS, render

logger = logging.getLogger(__name__)
RESULT_EXCERPT = 120
REASON_EXCERPT = 60
RECIPIENT_LABELS = dict(Recipient.choices)


@dataclass(frozen=True)
class Notice:
    template: str
    to: str
    recipient: str
    context: dict


def templates_for(keys: set[str]) -> dict[str, tuple[str, bool] | None]:
    """(text, optional) of each key's template, None where it is switched off; the built-in
    default where the row is missing. One query."""
    rows = {key: (text, optional, active) for key, text, optional, active in
            SmsTemplate.objects.filter(key__in=keys).values_list("key", "text", "optional", "is_active")}
    found = {}
    for key in keys:
        if key not in rows:
            _, _, optional, text, _ = DEFAULTS[key]
            found[key] = (text, optional)
        else:
            text, optional, active = rows[key]
            found[key] = (text, optional) if active else None
    return found


def template_for(key: str) -> tuple[str, bool] | None:
    return templates_for({key})[key]


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%m月%d日%H:%M") if value else "规定时限"


def ticket_context(ticket: Ticket, *, role: str = "") -> dict:
    """`role`: whom the message is for, when not the citizen (issue 16 item 8): the title as that
    role may read it (hotline.privacy: a confidential ticket's without its citizen, for a unit head
    or a leader; a leader's masked)."""
    title = ticket_as_seen_as(ticket=ticket, role=role).title if role else ticket.title
    return {"number": ticket.number, "title": title[:20].rstrip("，。、,.!！?？；; "),
            "unit": ticket.lead_unit.name if ticket.lead_unit_id else "承办单位",
            "due": local_time(ticket.due_at)}


def excerpt(text: str | None, limit: int) -> str:
    text = (text or "").strip().rstrip("。")
    return text[:limit] + "…" if len(text) > limit else text


# Hooks that name extra recipients of the citizen's notices, registered by other apps' ready() (this
# module imports none of them). A hook takes a batch's tickets and answers {ticket_id: [phone, …]}
# with one query; `recipient` is the Recipient its copies are recorded as.
# The survey asks the citizen's own judgement (a reply from another number would not count).
NOT_COPIED = frozenset({"citizen_survey"})
CitizenCopies = Callable[[list[Ticket]], dict[int, list[str]]]
_COPY_HOOKS: dict[str, tuple[str, CitizenCopies]] = {}


def register_citizen_copies(name: str, recipient: str, hook: CitizenCopies) -> None:
    """Registering a name again replaces it."""
    _COPY_HOOKS[name] = (recipient, hook)


def citizen_copies(tickets: Iterable[Ticket]) -> dict[int, list[tuple[str, str]]]:
    """{ticket_id: [(phone, recipient)]} of every hook, for a batch: one call of each hook."""
    tickets = list(tickets)
    copies: dict[int, list[tuple[str, str]]] = {}
    if not tickets:
        return copies
    for recipient, hook in _COPY_HOOKS.values():
        for ticket_id, phones in hook(tickets).items():
            copies.setdefault(ticket_id, []).extend((phone, recipient) for phone in phones if codec.is_mobile(phone))
    return copies


def notices_for(event: TicketEvent, copies: Iterable[tuple[str, str]] = ()) -> list[Notice]:
    """`copies`: (phone, recipient) who get every citizen notice too (citizen_copies)."""
    ticket = event.ticket
    kind, payload = event.kind, event.payload or {}
    base = ticket_context(ticket)
    for_unit: dict = {}  # made on the first unit notice
    citizen = ticket.citizen
    citizen_phone = citizen.phone if citizen and codec.is_mobile(citizen.phone) else ""
    out: list[Notice] = []

    def to_citizen(template: str, **extra):
        if citizen_phone:
            out.append(Notice(template, citizen_phone, Recipient.CITIZEN, base | extra))
        for phone, recipient in copies:
            if phone != citizen_phone and template not in NOT_COPIED:
                out.append(Notice(template, phone, recipient, base | extra))

    def to_unit_head(template: str, unit: Unit | None, **extra):
        if unit and unit.head_phone and codec.is_mobile(unit.head_phone):
            if not for_unit:
                for_unit.update(ticket_context(ticket, role=Role.UNIT_STAFF))
            out.append(Notice(template, unit.head_phone, Recipient.UNIT_HEAD, for_unit | {"unit": unit.name} | extra))

    if kind == "register":
        to_citizen("citizen_receipt")
    elif kind in ("dispatch", "redispatch", "reassign"):
        to_citizen("citizen_dispatched" if kind == "dispatch" else "citizen_redispatched")
        units = Unit.objects.in_bulk([payload.get("lead_unit_id"), *payload.get("co_unit_ids", [])])
        to_unit_head("unit_assigned", units.get(payload.get("lead_unit_id")), role="主办")
        for unit_id in payload.get("co_unit_ids", []):
            to_unit_head("unit_assigned", units.get(unit_id), role="协办")
    elif kind == "return" and payload.get("return_id"):  # a return request the centre accepted
        unit = Unit.objects.filter(pk=payload.get("unit_id")).first()
        to_unit_head("unit_return_accepted", unit)
    elif kind == "return_refused":
        unit = Unit.objects.filter(pk=payload.get("unit_id")).first()
        to_unit_head("unit_return_refused", unit, reason=excerpt(payload.get("reason", ""), REASON_EXCERPT))
    elif kind == "reply":
        to_citizen("citizen_result", result=excerpt(payload.get("text", ""), RESULT_EXCERPT))
    # 办结审核 (issue 16 item 3): a reviewed reply reaches the citizen only once approved (never on
    # reply_for_review), with the approved text; a send-back goes to the lead unit's head.
    elif kind == "review_approve":
        to_citizen("citizen_result", result=excerpt(payload.get("reply_text", ""), RESULT_EXCERPT))
    elif kind == "review_send_back":
        unit = Unit.objects.filter(pk=payload.get("unit_id") or ticket.lead_unit_id).first()
        to_unit_head("unit_sent_back", unit, reason=excerpt(payload.get("reason", ""), REASON_EXCERPT))
    elif kind == "survey_sent":
        to_citizen("citizen_survey")
    elif kind == "extension_approved":
        to_citizen("citizen_extended")
    elif kind == "merge":
        to_citizen("citizen_merged", into=payload.get("into", ""))
    elif kind == "mark_invalid":
        to_citizen("citizen_invalid", reason=excerpt(payload.get("reason", ""), REASON_EXCERPT))
    # 挂起 (issue 16, item 4)
    elif kind == "suspend":
        to_citizen("citizen_suspended", reason=payload.get("suspend_reason", "办理需要"))
        to_unit_head("unit_suspension_approved", _lead_unit(payload, ticket),
                     resume_by=local_time(_moment(payload.get("resume_by"))), note=payload.get("note", ""))
    elif kind == "suspension_rejected":
        to_unit_head("unit_suspension_rejected", _lead_unit(payload, ticket),
                     note=payload.get("note") or "请按时限办理")
    elif kind in RESUME_KINDS:
        to_citizen("citizen_resumed")
        to_unit_head("unit_resumed", _lead_unit(payload, ticket), how=payload.get("how_label", "恢复办理"))
    elif kind == "submit_for_approval":
        leader = User.objects.filter(pk=payload.get("leader_id") or ticket.leader_id).first()
        if leader and codec.is_mobile(leader.phone):
            link = f"{settings.PUBLIC_BASE_URL}/m/tickets/{ticket.pk}/"
            out.append(Notice("leader_pending", leader.phone, Recipient.LEADER,
                              ticket_context(ticket, role=Role.LEADER) | {"leader": str(leader), "link": link}))
    elif kind == "hand_down":  # issue 16 item 5: the sub-unit's head, with the sub part's own deadline
        sub_unit = Unit.objects.filter(pk=payload.get("sub_unit_id")).first()
        to_unit_head("unit_handed_down", sub_unit, parent=payload.get("unit", ""),
                     due=local_time(parse_datetime(payload["sub_due_at"]) if payload.get("sub_due_at") else None))
    elif kind in ("urge", "supervise"):
        unit = Unit.objects.filter(pk=payload.get("unit_id") or ticket.lead_unit_id).first()
        to_unit_head("unit_urge" if kind == "urge" else "unit_supervise", unit)
    return out


RESUME_KINDS = ("resume", "resume_unsigned")


def _lead_unit(payload: dict, ticket: Ticket) -> Unit | None:
    return Unit.objects.filter(pk=payload.get("unit_id") or ticket.lead_unit_id).first()


def _moment(value: str | None):
    from django.utils.dateparse import parse_datetime

    return parse_datetime(value) if value else None


def answers_the_citizen(event: TicketEvent) -> bool:
    """The citizen just texted us and this notice answers: it goes even to a number that opted
    out (an SMS registration's receipt; the resumption their own reply caused)."""
    if event.kind == "register":
        return event.ticket.channel == Channel.SMS
    return event.kind in RESUME_KINDS and (event.payload or {}).get("how") == "citizen"


@dataclass(frozen=True)
class Outgoing:
    """A notice to send about a ticket. `event_id`: the event it is for, which makes it
    idempotent (one message per template, event and number). `transactional`: the citizen
    just texted us, so the answer goes even to a number that opted out of notices."""

    ticket: Ticket
    notice: Notice
    event_id: int | None = None
    transactional: bool = False


def send_notices(outgoing: list[Outgoing]) -> list[Message | None]:
    """Queue the notices and put each on its ticket's timeline (`sms_sent`), set-based: one
    template query, then sms_send_many and one INSERT of the events for all of them. Returns
    the message of each, or None (template switched off, number opted out, refused)."""
    templates = templates_for({o.notice.template for o in outgoing})
    results: list[Message | None] = [None] * len(outgoing)
    prepared = []
    for index, o in enumerate(outgoing):
        if (template := templates[o.notice.template]) is None:
            continue
        text, optional = template
        body = render(text, o.notice.context)
        try:
            message = message_new(
                to=o.notice.to, body=body, kind=o.notice.template, optional=optional and not o.transactional,
                ticket=o.ticket, dedupe_key=f"{o.notice.template}:{o.event_id}:{o.notice.to}" if o.event_id else None)
        except SmsError as exc:
            logger.warning("notice %s to %s refused: %s", o.notice.template, mask_phone(o.notice.to), exc)
            continue
        prepared.append((index, o, message))
    if not prepared:
        return results
    with transaction.atomic():
        events = []
        for (index, o, message), queued in zip(prepared, sms_send_many(messages=[m for _, _, m in prepared]),
                                               strict=True):
            if queued.message is None:
                logger.info("notice %s to %s skipped: opted out", o.notice.template, mask_phone(o.notice.to))
                continue
            results[index] = queued.message
            if queued.created:
                events.append(new_event(
                    ticket=o.ticket, kind="sms_sent", actor_label="短信平台",
                    payload={"sid": message.sid, "template": o.notice.template, "recipient": o.notice.recipient,
                             "recipient_label": str(RECIPIENT_LABELS[o.notice.recipient]),
                             "to": mask_phone(o.notice.to), "body": message.body, "segments": message.num_segments},
                ))
        save_events(events)
    return results


def send_notice(*, ticket: Ticket, notice: Notice, event_id: int | None, transactional: bool = False) -> Message | None:
    return send_notices([Outgoing(ticket, notice, event_id, transactional)])[0]


def on_ticket_events(events: list[TicketEvent]) -> None:
    """hotline.notify subscriber: runs after commit; a drain's whole batch is sent together."""
    outgoing = []
    try:
        copies = citizen_copies({e.ticket_id: e.ticket for e in events if e.kind != "sms_sent"}.values())
    except Exception:  # the citizens' own notices go out whatever a hook does
        logger.exception("citizen copies for %d events failed", len(events))
        copies = {}
    for event in events:
        if event.kind == "sms_sent":
            continue
        transactional = answers_the_citizen(event)
        try:
            outgoing += [Outgoing(event.ticket, notice, event.pk, transactional)
                         for notice in notices_for(event, copies.get(event.ticket_id, ()))]
        except Exception:
            logger.exception("SMS notices for event %s failed", event.pk)
    if not outgoing:
        return
    try:
        send_notices(outgoing)
    except Exception:  # one bad notice must not stop the other recipients: the rest one at a time
        logger.exception("a batch of %d SMS notices failed; sending them one at a time", len(outgoing))
        for o in outgoing:
            try:
                send_notices([o])
            except Exception:
                logger.exception("SMS notice %s for event %s failed", o.notice.template, o.event_id)
