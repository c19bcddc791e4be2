"""Writes of the SMS gateway: queueing an outbound message, and opt-out."""
import itertools
import logging
import random
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


def is_opted_out(number: str) -> bool:
    return Citizen.objects.filter(phone=number, sms_opt_out=True).exists()


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


@transaction.atomic
def sms_send(
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
) -> Message | None:
    """Queue one outbound SMS through the configured transport.

    `optional` messages are not sent to a number that has opted out (returns None for
    notices; the API turns it into error 21610). With a `dedupe_key` the same notice is
    queued once however often it is asked for: the existing message is returned.
    """
    to = validate_to(to)
    body = validate_body(body)
    from_number = validate_from(from_number)
    status_callback = validate_callback_url(status_callback)
    if optional and is_opted_out(to):
        raise SmsError(f"号码 {to} 已退订短信", twilio_code=21610, field="To")
    if dedupe_key:
        existing = Message.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    transport = get_transport()
    text = codec.with_signature(body, settings.SMS_SIGNATURE)
    fields = dict(
        account=account, direction=direction, from_number=from_number, to_number=to, body=body,
        num_segments=codec.segment_count(text), status=Status.QUEUED, status_callback=status_callback,
        transport=transport.name, kind=kind, optional=optional, ticket=ticket, dedupe_key=dedupe_key,
        concat_ref=next(_concat_refs) % 256,
    )
    if dedupe_key is None:
        message = Message.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                message = Message.objects.create(**fields)
        except IntegrityError:
            # Two deliveries of the same event raced: the other one queued it.
            return Message.objects.get(dedupe_key=dedupe_key)
    transport.enqueue(message)
    return message


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
