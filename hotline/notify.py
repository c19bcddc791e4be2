"""The single notification hook.

Every event is published by its one writer, hotline.events (`published`, which calls
`publish_all_after_commit` here or queues the events durably in the outbox). Once the
transaction commits, the events are read once (with their tickets, the tickets' citizens,
categories and lead units) and each registered subscriber (websocket push, SMS notices, supervision notices, the display
board) is handed them as one list, in order: a worker draining the outbox delivers a
batch of events with one template query, one opt-out query and one INSERT of messages
instead of a round of each per event. A subscriber that handles one event at a time is
wrapped in `each()`. Subscribers register in their AppConfig.ready(); a failing
subscriber is logged and never affects the others or the request that caused the event.

By default delivery runs in this process right after commit (the embedded default
and tests). With a deferrer registered (dispatch's durable outbox, when
settings.HOTLINE_NOTIFY_ASYNC is on) the event is queued in the transaction that
wrote it instead and a worker delivers it: the request does not wait for SMS and push.
"""
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from .models import TicketEvent

logger = logging.getLogger(__name__)

Subscriber = Callable[[list["TicketEvent"]], None]
Deferrer = Callable[[list[int]], None]
_subscribers: dict[str, Subscriber] = {}
_deferrer: Deferrer | None = None
_muted = threading.local()
_background = threading.local()


@dataclass(frozen=True)
class StatementDeferral:
    """How a deferrer queues events inside the SQL statement that writes them (a registration
    on PostgreSQL: hotline.services.registration). `sql` is an INSERT … SELECT over a
    relation named `events` with an `id` column, added to that statement as one more
    data-modifying CTE; `queued(event_ids)` is then called in the transaction, in place of
    the deferrer itself."""

    sql: str
    queued: Callable[[list[int]], None]


_in_statement: StatementDeferral | None = None


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Register `subscriber(events)` under a unique name (re-registering replaces it)."""
    _subscribers[name] = subscriber


def each(handler: Callable[["TicketEvent"], None]) -> Subscriber:
    """A subscriber that hands the events to `handler` one at a time; a failure is logged
    for its event alone."""
    def subscriber(events: list["TicketEvent"]) -> None:
        for event in events:
            try:
                handler(event)
            except Exception:
                logger.exception("notification handler %s failed for event %s",
                                 getattr(handler, "__qualname__", handler), event.pk)

    return subscriber


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> dict[str, Subscriber]:
    return dict(_subscribers)


def load_events(event_ids: list[int]) -> dict:
    """The events by id, each with what every subscriber reads of its ticket, in one query."""
    from .models import TicketEvent

    return (TicketEvent.objects
            .select_related("ticket", "ticket__citizen", "ticket__category", "ticket__lead_unit")
            .in_bulk(event_ids))


def deliver_events(event_ids: list[int]) -> None:
    """Hand the events, in order, to every subscriber. An id with no row (its transaction
    rolled back after all, or the ticket was purged) is skipped."""
    by_id = load_events(event_ids)
    events = [by_id[event_id] for event_id in event_ids if event_id in by_id]
    if not events:
        return
    for name, subscriber in list(_subscribers.items()):
        try:
            subscriber(events)
        except Exception:  # one broken channel must not silence the others
            logger.exception("notification subscriber %s failed for events %s", name, [e.pk for e in events])


def defer_to(deferrer: Deferrer | None, *, in_statement: StatementDeferral | None = None) -> None:
    """Queue events with `deferrer(event_ids)` (called inside the events' transaction) instead of
    delivering them here after commit; None restores in-process delivery. `in_statement`: the
    same queue as SQL, for a statement that writes its events itself."""
    global _deferrer, _in_statement
    _deferrer, _in_statement = deferrer, (in_statement if deferrer is not None else None)


def deferral_in_statement() -> StatementDeferral | None:
    """What a statement that writes events adds to queue them, or None: then it publishes them
    with hotline.events.published (in-process delivery, a deferrer without SQL, or muted:
    nothing is queued while muted)."""
    if is_muted():
        return None
    return _in_statement


def publish_all_after_commit(event_ids: list[int]) -> None:
    """Deliver the events (written in the current transaction) once it commits, or queue them."""
    if not event_ids or is_muted():
        return
    if _deferrer is not None:
        _deferrer(event_ids)
    else:
        transaction.on_commit(lambda: deliver_events(event_ids), robust=True)


@contextmanager
def _switched_on(flag: threading.local) -> Iterator[None]:
    """A per-thread switch on for the block, and back to what it was (nested blocks keep it on)."""
    before = getattr(flag, "on", False)
    flag.on = True
    try:
        yield
    finally:
        flag.on = before


@contextmanager
def delivering_in_background() -> Iterator[None]:
    """A worker delivers (the outbox's drain), not a request: a subscriber may wait out a short
    outage of what it sends through (live.push retries the channel layer) rather than drop."""
    with _switched_on(_background):
        yield


def in_background() -> bool:
    return getattr(_background, "on", False)


def is_muted() -> bool:
    return getattr(_muted, "on", False)


@contextmanager
def muted() -> Iterator[None]:
    """No notifications for events written inside (demo data with a made-up past must not
    send SMS or push today). The events themselves are still written."""
    with _switched_on(_muted):
        yield
