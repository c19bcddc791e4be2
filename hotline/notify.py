"""The single notification hook.

Every service that writes a TicketEvent calls `publish_after_commit(event)`.
Once the transaction commits, each registered subscriber (websocket push,
SMS notices, timers) gets the event id. Subscribers register in their
AppConfig.ready(); a failing subscriber is logged and never affects the others
or the request that caused the event.
"""
import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[[int], None]
_subscribers: dict[str, Subscriber] = {}


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


def publish_after_commit(event_id: int) -> None:
    transaction.on_commit(lambda: deliver(event_id))
