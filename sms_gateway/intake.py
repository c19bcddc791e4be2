"""Citizens by SMS: what an inbound text means, and acting on it.

One intake for every way a text arrives (SMPP MO, the Twilio-format webhook, the dev
phone page). The inbound Message row is stored first and committed; intake then runs
once per message (intake_state), so a crash in between leaves it pending, not lost.

  T / TD / R / 退订             opt out of optional messages
  CX <number> / 查询 <number>   progress of a ticket filed from this phone
  1 / 2 / 3 (满意/基本满意/不满意) answer the pending survey
  a registered keyword          another app's answer (register_keyword: ZX <问题> is the
                                knowledge base's, registered by knowledge.apps)
  anything else                 a new ticket, or a follow-up to the phone's recent open one;
                                while a ticket of this phone is suspended (挂起), a follow-up
                                to it that resumes it (issue 16, item 4)
"""
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotline.errors import HotlineError
from hotline.models import Channel, Ticket, TicketState, TicketType
from hotline.models.tickets import OPEN_STATES, public_state_label
from hotline.services.tickets import ticket_add_followup, ticket_register

from . import codec
from .models import Direction, IntakeState, Message
from .services import citizen_opt_out, sms_send
from .texts import render
from .ticket_sms import Notice, local_time, send_notice, template_for, ticket_context

logger = logging.getLogger(__name__)

OPT_OUT_WORDS = {"T", "TD", "R", "退订"}
SURVEY_ANSWERS = {"1": "satisfied", "2": "basic", "3": "dissatisfied",
                  "满意": "satisfied", "基本满意": "basic", "不满意": "dissatisfied"}
SURVEY_LABELS = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}
QUERY_RE = re.compile(r"(?i)(?:CX|查询)[:：#]?(\d{6,16})?")
ACTOR_LABEL = "市民短信"
TRUNCATED_NOTE = "…（短信过长，全文见短信记录）"

# First match wins; "other" when nothing matches and an operator classifies it.
TYPE_KEYWORDS = [
    (TicketType.REPORT, ("举报",)),
    (TicketType.COMPLAINT, ("投诉", "扰民", "噪音", "乱收费", "不作为", "拖欠", "违规", "违法", "污染", "脏乱")),
    (TicketType.HELP, ("求助", "帮忙", "救助", "救救")),
    (TicketType.SUGGESTION, ("建议",)),
    (TicketType.PRAISE, ("表扬", "感谢", "点赞")),
    (TicketType.CONSULTATION, ("咨询", "请问", "如何", "怎么办理", "?", "？")),
]


@dataclass(frozen=True)
class Command:
    kind: str  # empty | opt_out | query | survey | keyword | text
    arg: str = ""
    keyword: str = ""  # the registered keyword's name, for kind "keyword"


@dataclass(frozen=True)
class KeywordReply:
    """What a keyword handler answers: a template key of texts.DEFAULTS (or an SmsTemplate row)
    and its placeholders. `fit` names the placeholder that is cut (with …) so that the whole
    text, signature included, fits in `max_parts` SMS parts; `note` is the intake note."""

    template: str
    context: dict = field(default_factory=dict)
    note: str = ""
    fit: str = ""
    max_parts: int = 2


# name -> (prefixes, handler). handler(*, phone, question) -> KeywordReply, or None for silence.
KeywordHandler = Callable[..., KeywordReply | None]
_KEYWORDS: dict[str, tuple[tuple[str, ...], KeywordHandler]] = {}


def register_keyword(name: str, prefixes: Iterable[str], handler: KeywordHandler) -> None:
    """Let another app answer texts that start with one of `prefixes` (called from its
    AppConfig.ready(), so that this app never imports it). Prefixes are matched after NFKC
    (full-width letters and the full-width space count), case-insensitively; a prefix must be
    followed by a space or the end of the text, and an ASCII prefix also by a colon or directly by
    a Chinese character (ZX公积金). Registering a name again replaces it."""
    _KEYWORDS[name] = (tuple(p.upper() for p in prefixes), handler)


def _match_keyword(normalized: str) -> Command | None:
    upper = normalized.upper()
    for name, (prefixes, _handler) in _KEYWORDS.items():
        for prefix in prefixes:
            if not upper.startswith(prefix):
                continue
            rest = normalized[len(prefix):]
            follows = rest[:1]
            ascii_prefix = prefix.isascii()
            if not rest or follows.isspace() or (ascii_prefix and (follows in ":：" or not follows.isascii())):
                return Command("keyword", rest.lstrip(" \t\r\n:：").strip(), keyword=name)
    return None


def parse(text: str) -> Command:
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    compact = re.sub(r"[\s。．.!！,，、;；]+", "", normalized)
    if not compact:
        return Command("empty")
    if compact.upper() in OPT_OUT_WORDS:
        return Command("opt_out")
    match = QUERY_RE.fullmatch(compact)
    if match:
        return Command("query", match.group(1) or "")
    if compact in SURVEY_ANSWERS:
        return Command("survey", SURVEY_ANSWERS[compact])
    keyword = _match_keyword(normalized)
    if keyword is not None:
        return keyword
    return Command("text", (text or "").strip())  # NFKC is for reading commands; the ticket keeps the original


def guess_type(text: str) -> str:
    for ticket_type, words in TYPE_KEYWORDS:
        if any(word in text for word in words):
            return ticket_type
    return TicketType.OTHER


def handle_inbound(message: Message) -> Message:
    """Run intake for a stored inbound message, once. Failures are recorded on the
    message (intake_state=failed, the reason in intake_note), never raised."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.intake_state != IntakeState.PENDING:
            return locked
        try:
            with transaction.atomic():
                note = _process(locked)
            locked.intake_state, locked.intake_note = IntakeState.DONE, note[:255]
        except Exception as exc:  # kept and visible in the admin, to be re-run from there
            logger.exception("SMS intake failed for %s", locked.sid)
            locked.intake_state = IntakeState.FAILED
            locked.intake_note = (getattr(exc, "message", "") or repr(exc))[:255]
        locked.save(update_fields=["intake_state", "intake_note", "ticket", "date_updated"])
        return locked


def _process(message: Message) -> str:
    phone = codec.normalize_number(message.from_number)
    if not codec.is_mobile(phone):
        raise HotlineError(f"发送号码「{message.from_number}」不是手机号，无法登记或回复")
    command = parse(message.body)
    if command.kind in REPLY_ONLY and _over_reply_limit(phone):
        # A texter (or an auto-responder in a loop) asking again and again: recorded, not answered.
        return "查询过于频繁，本条不回复"
    handler = {"empty": _empty, "opt_out": _opt_out, "query": _query, "survey": _survey, "keyword": _keyword,
               "text": _text}
    return handler[command.kind](message, phone, command)


REPLY_ONLY = {"empty", "query"}  # commands that only send an answer (the keyword one limits itself)


def _over_reply_limit(phone: str) -> bool:
    from hardening.ratelimit import hit

    _, limit, window, _ = settings.RATE_LIMITS["sms_reply"]
    return bool(hit("sms_reply", phone, limit=limit, window_seconds=window))


def _reply(message: Message, phone: str, template: str, ticket: Ticket | None = None, **context) -> None:
    """Answer the texter. Answers go even to opted-out numbers: they asked."""
    if ticket is not None:
        send_notice(ticket=ticket, notice=Notice(template, phone, "citizen", ticket_context(ticket) | context),
                    event_id=None, transactional=True)
        return
    found = template_for(template)
    if found is not None:
        sms_send(to=phone, body=render(found[0], context), kind=template, direction=Direction.OUTBOUND_REPLY)


def _empty(message, phone, command) -> str:
    _reply(message, phone, "reply_empty")
    return "空短信，已提示"


def _opt_out(message, phone, command) -> str:
    citizen_opt_out(phone=phone)
    _reply(message, phone, "reply_optout")
    return "已退订"


def _keyword(message, phone, command) -> str:
    _prefixes, handler = _KEYWORDS[command.keyword]
    answer = handler(phone=phone, question=command.arg)
    if answer is None:
        return f"{command.keyword}：不回复（超过频次）"
    found = template_for(answer.template)
    if found is None:
        raise HotlineError(f"短信模板 {answer.template} 不存在")
    body = fitted(found[0], answer.context, fit=answer.fit, max_parts=answer.max_parts)
    sms_send(to=phone, body=body, kind=answer.template, direction=Direction.OUTBOUND_REPLY)
    return answer.note or f"{command.keyword}：已回复"


def fitted(template: str, context: dict, *, fit: str = "", max_parts: int = 2) -> str:
    """The rendered text, with context[fit] cut (…) until the text with the signature fits in
    `max_parts` parts. Without `fit`, or when even an empty value is too long, as rendered."""
    def parts(text: str) -> int:
        return codec.segment_count(codec.with_signature(text, settings.SMS_SIGNATURE))

    body = render(template, context)
    if not fit or parts(body) <= max_parts:
        return body
    value = str(context.get(fit, ""))
    low, high = 0, len(value)  # the longest prefix that fits: a binary search over its length
    while low < high:
        middle = (low + high + 1) // 2
        if parts(render(template, context | {fit: value[:middle].rstrip() + "…"})) <= max_parts:
            low = middle
        else:
            high = middle - 1
    return render(template, context | {fit: value[:low].rstrip() + "…"})


def _own_ticket(phone: str, number: str) -> Ticket | None:
    return (Ticket.objects.select_related("lead_unit", "merged_into")
            .filter(number=number, citizen__phone=phone).first())


def progress_detail(ticket: Ticket) -> str:
    state = ticket.state
    if state in (TicketState.REGISTERED, TicketState.PENDING_APPROVAL, TicketState.APPROVED, TicketState.RETURNED):
        return "正在审核转办，请耐心等待。"
    if state in (TicketState.DISPATCHED, TicketState.IN_PROGRESS, TicketState.REVIEWING):  # 待审核: not answered yet
        unit = ticket.lead_unit.name if ticket.lead_unit_id else "承办单位"
        return f"承办单位：{unit}，办理时限：{local_time(ticket.due_at)}。"
    if state == TicketState.REPLIED:
        reply = ticket.replies.filter(is_lead=True).order_by("-created_at").first()
        result = (reply.text[:60] + ("…" if len(reply.text) > 60 else "")) if reply else ""
        return f"办理结果：{result} 回复1满意，2基本满意，3不满意。"
    if state == TicketState.REOPENED:
        return "正在重新办理。"
    if state == TicketState.SUSPENDED:
        return "暂缓办理中（挂起期间不计办理时限）。情况具备后请直接回复短信说明，工单将恢复办理。"
    if state == TicketState.MERGED and ticket.merged_into_id:
        return f"已与工单{ticket.merged_into.number}合并办理。"
    if state == TicketState.CLOSED:
        return f"已于{local_time(ticket.closed_at)}办结。"
    return ""


def _query(message, phone, command) -> str:
    number = command.arg
    if not number:
        ticket = Ticket.objects.filter(citizen__phone=phone).order_by("-created_at").first()
        if ticket is None:
            _reply(message, phone, "reply_query_help", example=f"{timezone.localdate():%y%m%d}00001")
            return "查询：名下无工单"
    else:
        ticket = _own_ticket(phone, number)
        if ticket is None:
            _reply(message, phone, "reply_not_found", number=number)
            return f"查询：未找到工单{number}"
    _reply(message, phone, "reply_progress", ticket=ticket,
           state=public_state_label(ticket.state), detail=progress_detail(ticket))
    message.ticket = ticket
    return f"查询：工单{ticket.number}"


def _survey(message, phone, command) -> str:
    from dispatch.models import Survey
    from dispatch.services import survey_record

    survey = (Survey.objects.select_related("ticket")
              .filter(ticket__citizen__phone=phone, state=Survey.State.PENDING, ticket__state=TicketState.REPLIED)
              .order_by("-sent_at", "-created_at").first())
    if survey is None:
        _reply(message, phone, "reply_no_survey")
        return "回访答复：无待评价工单"
    result = command.arg
    survey_record(ticket=survey.ticket, result=result, actor=None, actor_label=ACTOR_LABEL, method="sms")
    ticket = Ticket.objects.get(pk=survey.ticket_id)
    if result == "dissatisfied":
        _reply(message, phone, "reply_survey_reopened", ticket=ticket)
    else:
        _reply(message, phone, "reply_survey_thanks", ticket=ticket, result=SURVEY_LABELS[result])
    message.ticket = ticket
    return f"回访：工单{ticket.number} {SURVEY_LABELS[result]}"


def recent_open_ticket(phone: str, *, before: Message) -> Ticket | None:
    """The ticket this phone texted about within the follow-up window, if still open."""
    since = timezone.now() - timedelta(minutes=settings.SMS_FOLLOWUP_MINUTES)
    last = (Message.objects.filter(direction=Direction.INBOUND, from_number=phone, ticket__isnull=False,
                                   date_created__gte=since, ticket__state__in=OPEN_STATES)
            .exclude(pk=before.pk).select_related("ticket").order_by("-id").first())
    return last.ticket if last else None


def _text(message, phone, command) -> str:
    text = command.arg
    limit = settings.HOTLINE_MAX_TEXT_LENGTH
    if len(text) > limit:
        text = text[:limit - len(TRUNCATED_NOTE)] + TRUNCATED_NOTE
    suspended = _resume_suspended(message, phone, text)
    if suspended:
        return suspended
    ticket = recent_open_ticket(phone, before=message)
    if ticket is not None:
        ticket = ticket_add_followup(ticket=ticket, text=text, actor_label=ACTOR_LABEL)
        _reply(message, phone, "reply_followup", ticket=ticket)
        message.ticket = ticket
        return f"补充到工单{ticket.number}"
    ticket = ticket_register(actor=None, actor_label=ACTOR_LABEL, channel=Channel.SMS,
                             ticket_type=guess_type(text), content=text, citizen_phone=phone)
    message.ticket = ticket
    return f"登记工单{ticket.number}"


def _resume_suspended(message: Message, phone: str, text: str) -> str:
    """挂起: the citizen was told that replying resumes their suspended ticket. The text joins that
    ticket as a follow-up and the ticket resumes; the resumption's own notice (citizen_resumed, with
    the new deadline) is the answer. Empty when no ticket of this phone is suspended."""
    from dispatch.selectors import suspended_ticket_of
    from dispatch.services.suspension import ticket_resume_by_citizen

    ticket = suspended_ticket_of(phone)
    if ticket is None:
        return ""
    ticket = ticket_add_followup(ticket=ticket, text=text, actor_label=ACTOR_LABEL)
    message.ticket = ticket
    if ticket_resume_by_citizen(ticket=ticket, actor_label=ACTOR_LABEL) is None:  # resumed meanwhile
        _reply(message, phone, "reply_followup", ticket=ticket)
        return f"补充到工单{ticket.number}"
    return f"补充到工单{ticket.number}，工单恢复办理"


@transaction.atomic
def receive(*, from_number: str, to_number: str, body: str, transport: str, sid: str | None = None,
            account=None, num_segments: int = 1, content_hash: str = "", meta: dict | None = None) -> Message:
    """Store an inbound text (received, intake pending). A repeated MessageSid returns the
    message already stored instead of a second one."""
    if sid:
        existing = Message.objects.filter(sid=sid).first()
        if existing:
            return existing
    fields = {"direction": Direction.INBOUND, "from_number": codec.normalize_number(from_number)[:21],
              "to_number": (to_number or settings.SMS_SOURCE_ADDR)[:21], "body": body, "status": "received",
              "num_segments": num_segments, "transport": transport, "kind": "inbound", "account": account,
              "content_hash": content_hash, "intake_state": IntakeState.PENDING, "meta": meta or {}}
    if sid:
        fields["sid"] = sid
    return Message.objects.create(**fields)


def receive_and_handle(**kwargs) -> Message:
    """Store, commit, then run intake (its own transaction): a failed intake never loses the text."""
    message = receive(**kwargs)
    return handle_inbound(message)
