"""Writes of the SMS gateway: queueing an outbound message, and opt-out."""
import itertools
import logging
import random
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from hotline.errors import HotlineError
from hotline.models import Citizen

from . import codec
from .models import ApiAccount, Direction, Message, Status
from .transports import get_transport

logger = logging.getLogger(__name__)
# Our own concatenation reference counter: the parts of one long message share a value, and
# consecutive long messages to one phone get different ones.
_concat_refs = itertools.count(random.randrange(256))
MAX_BODY = 1600  # Twilio's limit for one message, ~24 UCS2 parts


class SmsError(HotlineError):
    """A send the API refuses, with the Twilio error code that says why."""

    status_code = 400

    def __init__(self, message: str, *, twilio_code: int, field: str | None = None, status_code: int = 400):
        super().__init__(message, field=field, code=str(twilio_code))
        self.twilio_code = twilio_code
        self.status_code = status_code


def validate_to(raw: str) -> str:
    if not (raw or "").strip():
        raise SmsError("接收号码（To）不能为空", twilio_code=21604, field="To")
    number = codec.normalize_number(raw)
    if not codec.is_mobile(number):
        raise SmsError(f"接收号码「{raw}」不是有效的手机号", twilio_code=21211, field="To")
    return number


def validate_from(raw: str) -> str:
    number = (raw or "").strip() or settings.SMS_SOURCE_ADDR
    normalized = codec.normalize_number(number)
    if not (normalized.isdigit() and 3 <= len(normalized) <= 20):
        raise SmsError(f"发送号码（From）「{raw}」无效，应为3到20位数字", twilio_code=21212, field="From")
    return normalized


def validate_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise SmsError("短信内容（Body）不能为空", twilio_code=21602, field="Body")
    if len(body) > MAX_BODY:
        raise SmsError(f"短信内容不能超过{MAX_BODY}个字（当前{len(body)}个字）", twilio_code=21617, field="Body")
    return body


def validate_callback_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            raise SmsError("状态回调地址（StatusCallback）须为 http(s) 网址", twilio_code=21609,
                           field="StatusCallback")
    return url


def message_new(
    *,
    to: str,
    body: str,
    kind: str,
    optional: bool = False,
    ticket=None,
    account: ApiAccount | None = None,
    from_number: str = "",
    status_callback: str = "",
    dedupe_key: str | None = None,
    direction: str = Direction.OUTBOUND_API,
) -> Message:
    """An outbound message as sms_send queues it, checked (SmsError) but not yet written."""
    to = validate_to(to)
    body = validate_body(body)
    from_number = validate_from(from_number)
    status_callback = validate_callback_url(status_callback)
    text = codec.with_signature(body, settings.SMS_SIGNATURE)
    return Message(
        account=account, direction=direction, from_number=from_number, to_number=to, body=body,
        num_segments=codec.segment_count(text), status=Status.QUEUED, status_callback=status_callback,
        transport=settings.SMS_TRANSPORT, kind=kind, optional=optional, ticket=ticket, dedupe_key=dedupe_key,
        concat_ref=next(_concat_refs) % 256,
    )


def sms_send(**fields) -> Message:
    """Queue one outbound SMS through the configured transport (the fields of message_new).

    An `optional` message is not sent to a number that has opted out: SmsError 21610. With a
    `dedupe_key` the same notice is queued once however often it is asked for: the existing
    message is returned.
    """
    message = message_new(**fields)
    queued = sms_send_many(messages=[message])[0]
    if queued.message is None:
        raise SmsError(f"号码 {message.to_number} 已退订短信", twilio_code=21610, field="To")
    return queued.message


@dataclass(frozen=True)
class Queued:
    message: Message | None  # None: optional, and the number has opted out
    created: bool  # False: opted out, or the message of the same dedupe_key was queued before


@transaction.atomic
def sms_send_many(*, messages: list[Message]) -> list[Queued]:
    """Queue unsaved messages (message_new) together: one query for opted-out numbers, one for
    dedupe keys already queued, one INSERT and the transport's enqueue for all of them (the
    outbox's drain sends a batch of notices this way). Returns one Queued per message, in order."""
    opted_out = opted_out_numbers({m.to_number for m in messages if m.optional})
    keys = {m.dedupe_key for m in messages if m.dedupe_key}
    by_key = {m.dedupe_key: m for m in Message.objects.filter(dedupe_key__in=keys)} if keys else {}
    results, new = [], []
    for message in messages:
        if message.optional and message.to_number in opted_out:
            results.append(Queued(None, False))
        elif message.dedupe_key and message.dedupe_key in by_key:
            results.append(Queued(by_key[message.dedupe_key], False))
        else:
            new.append(message)
            if message.dedupe_key:
                by_key[message.dedupe_key] = message  # a second copy in this batch is the same notice
            results.append(Queued(message, True))
    if not new:
        return results
    try:
        with transaction.atomic():
            Message.objects.bulk_create(new)
    except IntegrityError:
        # Another delivery of the same events queued some of them meanwhile: one at a time.
        return [r if r.message is None else _create_one(m) for m, r in zip(messages, results, strict=True)]
    get_transport().enqueue_many(new)
    return results


def _create_one(message: Message) -> Queued:
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # the race above: the other delivery's message stands
        return Queued(Message.objects.get(dedupe_key=message.dedupe_key), False)
    get_transport().enqueue_many([message])
    return Queued(message, True)


def opted_out_numbers(numbers: set[str]) -> set[str]:
    if not numbers:
        return set()
    return set(Citizen.objects.filter(phone__in=numbers, sms_opt_out=True).values_list("phone", flat=True))


@transaction.atomic
def citizen_opt_out(*, phone: str) -> Citizen:
    """T / TD / R / 退订: no optional message goes to this number any more."""
    citizen, _ = Citizen.objects.get_or_create(phone=phone)
    if not citizen.sms_opt_out:
        citizen.sms_opt_out = True
        citizen.save(update_fields=["sms_opt_out"])
    # Queued optional messages are withdrawn too: the citizen asked for silence now.
    from .models import MessagePart, PartState

    withdrawn = Message.objects.filter(to_number=phone, optional=True, status=Status.QUEUED)
    MessagePart.objects.filter(message__in=withdrawn, state=PartState.QUEUED).update(state=PartState.FAILED)
    for message in withdrawn:
        from .status import set_status

        set_status(message, Status.FAILED, error_code=21610, error_message="市民已退订")
    return citizen


def messages_mask_before(*, cutoff) -> int:
    """Retention (issue 20, `pii_retention`): messages older than `cutoff` keep their numbers
    masked (138****5678); the centre's short numbers (under 7 digits) stay. Set-based, idempotent."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Left, Length, Right

    masked = 0
    for column in ("from_number", "to_number"):
        old = (Message.objects.filter(date_created__lt=cutoff).annotate(length=Length(column))
               .filter(length__gte=7).exclude(**{f"{column}__contains": "*"}))
        masked += old.update(**{column: Concat(Left(column, 3), Value("****"), Right(column, 4))})
    return masked
