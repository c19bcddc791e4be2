"""Sending to websockets through the channel layer (Redis when REDIS_URL is set,
so any process — web, Celery worker, management command — reaches every socket).

All senders are synchronous and called after commit: from the notify
subscriber (`push_ticket_events`), the CTI services and the reports app
(`push_display`).
"""
import asyncio
import json
import logging
import os
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from hotline import notify
from hotline.models import TicketEvent
from hotline.privacy import ticket_as_seen_as

from . import groups
from .payloads import NOT_FOR_DISPLAY, display_payload, staff_groups_by_role, staff_payload

logger = logging.getLogger(__name__)


async def _send_all(messages: list[tuple[str, dict]]) -> list[tuple[tuple[str, dict], Exception]]:
    """Send each; the ones that failed, with why."""
    layer = get_channel_layer()
    results = await asyncio.gather(
        *(layer.group_send(group, message) for group, message in messages), return_exceptions=True
    )
    return [(pair, result) for pair, result in zip(messages, results, strict=True) if isinstance(result, Exception)]


class _SenderLoop:
    """One long-lived event loop thread per process for sending from synchronous code (views,
    Celery tasks) to the Redis layer: async_to_sync would start a loop and a Redis connection
    per call (~5 ms); this keeps one connection open (a fraction of a millisecond per send).
    Started lazily and per process id, so forked Celery workers get their own."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pid = 0
        self.lock = threading.Lock()

    def get(self) -> asyncio.AbstractEventLoop:
        with self.lock:
            if self.loop is None or self.pid != os.getpid():
                self.loop, self.pid = asyncio.new_event_loop(), os.getpid()
                threading.Thread(target=self.loop.run_forever, name="channel-sender", daemon=True).start()
            return self.loop


_sender = _SenderLoop()
SEND_TIMEOUT = 3  # a request must not hang on a Redis outage; notify logs the failure
# A worker's delivery (the outbox's drain) waits this long for Redis to come back before a push
# is dropped: a restart takes a few seconds, and the events drained meanwhile reached no socket
# (the production fault test saw 2 of 285 missed). Later events wait behind it, so order holds.
BACKGROUND_RETRY_SECONDS = 20


def send_to_groups(messages: list[tuple[str, dict]]) -> None:
    if not messages:
        return
    if not settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis"):
        # The in-process layer lives on the caller's (or the test's) loop and does not fail.
        _log_failed(async_to_sync(_send_all)(messages))
        return
    deadline = time.monotonic() + (BACKGROUND_RETRY_SECONDS if notify.in_background() else 0)
    pause = 0.25
    while True:
        sending = asyncio.run_coroutine_threadsafe(_send_all(messages), _sender.get())
        try:
            failed = sending.result(SEND_TIMEOUT)
        except TimeoutError as exc:  # Redis hangs rather than refuses: stop this try, make another
            sending.cancel()
            failed = [(pair, exc) for pair in messages]
        if not failed or time.monotonic() + pause > deadline:
            break
        logger.warning("push to %s group(s) failed (%r): trying again in %.2f s", len(failed), failed[0][1], pause)
        time.sleep(pause)
        messages, pause = [pair for pair, _ in failed], min(pause * 2, 2.0)
    _log_failed(failed)


def _log_failed(failed: list[tuple[tuple[str, dict], Exception]]) -> None:
    for (group, _), error in failed:
        logger.error("push to %s failed: %r", group, error)


def push_ticket_events(events: list[TicketEvent]) -> None:
    """hotline.notify subscriber: committed TicketEvents, each to everyone allowed to see it.
    A batch goes as one layer message per group (a drain's two hundred events to the office
    are one group_send, not two hundred), its frames in order. An event whose payload cannot
    be built is logged and skipped; the others still go."""
    now, frames = timezone.now(), {}
    for event in events:
        try:
            for group, message in ticket_event_messages(event, now):
                frames.setdefault(group, []).append(message["text"])
        except Exception:
            logger.exception("push of event %s failed", event.pk)
    send_to_groups([(group, {"type": "ticket.event", "text": texts[0]} if len(texts) == 1
                     else {"type": "ticket.events", "texts": texts}) for group, texts in frames.items()])


def ticket_event_messages(event: TicketEvent, now) -> list[tuple[str, dict]]:
    """(group, layer message) for one event: its staff groups, and the board unless private.
    Each audience (the office, leaders, units) gets the event as it may see it (hotline.privacy,
    issue 16 item 8): the same frame when the sights agree."""
    ticket = event.ticket
    frames: dict[str, dict] = {}
    messages = []
    for role, names in staff_groups_by_role(ticket).items():
        lens = ticket_as_seen_as(ticket=ticket, role=role)
        if lens.sight not in frames:
            frames[lens.sight] = ticket_event_message(staff_payload(event, ticket, now, lens=lens))
        messages += [(group, frames[lens.sight]) for group in names]
    messages.sort(key=lambda pair: pair[0])
    if event.kind not in NOT_FOR_DISPLAY:
        messages.append((groups.DISPLAY, ticket_event_message(display_payload(event, ticket, now))))
    return messages


def ticket_event_message(payload: dict) -> dict:
    """The layer message, with the socket frame serialised once here rather than once per socket."""
    text = json.dumps({"type": "ticket-event", "event": payload}, ensure_ascii=False, separators=(",", ":"))
    return {"type": "ticket.event", "text": text}


def push_to_user(user_id: int, message_type: str, data: dict) -> None:
    """E.g. push_to_user(operator.pk, "call.popup", {...}) → {"type": "call-popup", "popup": {...}}."""
    send_to_groups([(groups.user_group(user_id), {"type": message_type, "data": data})])


def push_to_roles(roles, message_type: str, data: dict) -> None:
    send_to_groups([(groups.role_group(role), {"type": message_type, "data": data}) for role in roles])


def push_display(payload: dict) -> None:
    """Broadcast a board update to every display device: {"type": "display-update", "data": payload}.
    The payload must already be public (no names, phones or exact addresses)."""
    send_to_groups([(groups.DISPLAY, {"type": "display.update", "data": payload})])


def close_session_sockets(sender, request=None, user=None, **kwargs) -> None:
    """user_logged_out receiver: close the websockets this browser session opened."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        try:
            send_to_groups([(groups.session_group(session_key), {"type": "session.ended"})])
        except Exception:  # logging out must never fail because Redis is away
            logger.exception("could not close the sockets of a logged-out session")
