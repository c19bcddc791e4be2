"""Transports, in the style of healthchecks' hc/api/transports.py: a small base class,
one class per way out, and errors that say whether trying again can help.

A transport takes freshly created outbound Messages (inside the transaction that
created them, a batch at a time: sms_send_many) and either delivers them or hands them
to whoever will.
"""
from django.conf import settings
from django.utils import timezone

from . import codec
from .models import Message, MessagePart, PartState, Status
from .monitoring import count_sent


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

    def enqueue_many(self, messages: list[Message]) -> None:
        """Take freshly written messages (in the transaction that wrote them), all at once."""
        raise NotImplementedError


class LocalTransport(Transport):
    """No SMSC configured: the message is stored and shown on the dev phone page at once
    (the phone "receives" it the moment it is written)."""

    name = "local"

    def enqueue_many(self, messages: list[Message]) -> None:
        from .status import set_status

        now = timezone.now()
        count_sent(self.name, len(messages))
        plain = [m for m in messages if not m.status_callback]
        if plain:  # nobody to tell about each step: straight to delivered, in one UPDATE
            Message.objects.filter(pk__in=[m.pk for m in plain]).update(
                status=Status.DELIVERED, date_sent=now, date_updated=now)
            for message in plain:
                message.status, message.date_sent, message.date_updated = Status.DELIVERED, now, now
        for message in messages:
            if message.status_callback:  # the callback hears "sent", then "delivered", as from an SMSC
                message.date_sent = now
                message.save(update_fields=["date_sent", "date_updated"])
                set_status(message, Status.SENT)
                set_status(message, Status.DELIVERED)


class SmppTransport(Transport):
    """Writes the parts the SMPP session will submit. `manage.py smpp_gateway` owns the
    socket; this only queues, so any process may send and none touches the session."""

    name = "smpp"

    def enqueue_many(self, messages: list[Message]) -> None:
        parts = []
        for message in messages:
            text = codec.with_signature(message.body, settings.SMS_SIGNATURE)
            payloads = codec.encode_parts(text, message.concat_ref or 0)
            parts += [MessagePart(message=message, seq=seq, total=len(payloads), payload=payload,
                                  state=PartState.QUEUED)
                      for seq, payload in enumerate(payloads, start=1)]
        MessagePart.objects.bulk_create(parts)


TRANSPORTS = {t.name: t for t in (LocalTransport, SmppTransport)}


def get_transport() -> Transport:
    return TRANSPORTS[settings.SMS_TRANSPORT]()
