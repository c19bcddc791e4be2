"""Transports, in the style of healthchecks' hc/api/transports.py: a small base class,
one class per way out, and errors that say whether trying again can help.

A transport takes a freshly created outbound Message (inside the transaction that
created it) and either delivers it or hands it to whoever will.
"""
from django.conf import settings
from django.utils import timezone

from . import codec
from .models import Message, MessagePart, PartState, Status


class TransportError(Exception):
    """`permanent=True`: the same message will fail the same way (bad number, rejected);
    otherwise a later attempt may succeed (link down, SMSC busy)."""

    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code


class Transport:
    name = ""

    def enqueue(self, message: Message) -> None:
        raise NotImplementedError


class LocalTransport(Transport):
    """No SMSC configured: the message is stored and shown on the dev phone page at once
    (the phone "receives" it the moment it is written)."""

    name = "local"

    def enqueue(self, message: Message) -> None:
        from .status import set_status

        message.date_sent = timezone.now()
        message.save(update_fields=["date_sent", "date_updated"])
        set_status(message, Status.SENT)
        set_status(message, Status.DELIVERED)


class SmppTransport(Transport):
    """Writes the parts the SMPP session will submit. `manage.py smpp_gateway` owns the
    socket; this only queues, so any process may send and none touches the session."""

    name = "smpp"

    def enqueue(self, message: Message) -> None:
        text = codec.with_signature(message.body, settings.SMS_SIGNATURE)
        payloads = codec.encode_parts(text, message.concat_ref or 0)
        MessagePart.objects.bulk_create([
            MessagePart(message=message, seq=seq, total=len(payloads), payload=payload, state=PartState.QUEUED)
            for seq, payload in enumerate(payloads, start=1)
        ])


TRANSPORTS = {t.name: t for t in (LocalTransport, SmppTransport)}


def get_transport() -> Transport:
    return TRANSPORTS[settings.SMS_TRANSPORT]()
