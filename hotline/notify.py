"""The single notification hook.

Every service that writes a TicketEvent calls `publish_after_commit(event)`.
Once the transaction commits, each registered subscriber (websocket push,
SMS notices, timers) gets the event id. Subscribers register in their
AppConfig.ready(); a failing subscriber is logged and never affects the others
or the request that caused the event.

By default delivery runs in this process right after commit (the embedded default
and tests). With a deferrer registered (dispatch's durable outbox, when
settings.HOTLINE_NOTIFY_ASYNC is on) the event is queued in its own transaction
instead and a worker delivers it: the request does not wait for SMS and push.
"""
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[[int], None]
_subscribers: dict[str, Subscriber] = {}
_deferrer: Subscriber | None = None
_muted = threading.local()


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Register `subscriber(event_id)` under a unique name (re-registering replaces it)."""
    _subscribers[name] = subscriber


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> dict[str, Subscriber]:
    return dict(_subscribers)


def deliver(event_id: int) -> None:
    for name, subscriber in list(_subscribers.items()):
        try:
            subscriber(event_id)
        except Exception:  # one broken channel must not silence the others
            logger.exception("notification subscriber %s failed for event %s", name, event_id)


def defer_to(deferrer: Subscriber | None) -> None:
    """Queue events with `deferrer(event_id)` (called inside the event's transaction) instead of
    delivering them here after commit; None restores in-process delivery."""
    global _deferrer
    _deferrer = deferrer


def publish_after_commit(event_id: int) -> None:
    if getattr(_muted, "on", False):
        return
    if _deferrer is not None:
        _deferrer(event_id)
    else:
        transaction.on_commit(lambda: deliver(event_id))


@contextmanager
def muted() -> Iterator[None]:
    """No notifications for events written inside (demo data with a made-up past must not
    send SMS or push today). The events themselves are still written."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False
