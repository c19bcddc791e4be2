"""The durable queue between an event's transaction and its notifications (push, SMS).

Events go into EventOutbox in the transaction that wrote them; a Celery task delivers
them to the hotline.notify subscribers after commit and removes the rows. A process
killed in between loses nothing: the rows stay and are delivered again (at-least-once;
the subscribers are idempotent: SMS notices carry a dedupe key, pushes are re-sendable).

The timers always use it (hotline.events.save_events(..., durable=True)).
Requests use it when settings.HOTLINE_NOTIFY_ASYNC is on
(production): registering a ticket then costs one small INSERT instead of the SMS
receipt and the websocket push, which run in a worker.
"""
import contextlib
import logging

from django.core.cache import cache
from django.db import transaction

from ops import context, trace

from . import notify
from .models import EventOutbox
from .notify import StatementDeferral, defer_to, deliver_events

ROW_EVENTS = 500  # events per outbox row written by a batch (a timer's, a drain's SMS events)
# Rows claimed per drain transaction: a registration's row holds one event, and the
# subscribers take a drain's events as one batch (a query or an INSERT for all of them).
DRAIN_ROWS = 200
DRAIN_EVENTS = 1000  # and at most this many events (a timer's row holds up to ROW_EVENTS)
# Set while a drain is queued or running: requests that commit meanwhile need not queue
# another one. It expires, so a worker that died holding it only delays (the beat
# safety net in settings drains every minute anyway).
DRAIN_PENDING_KEY = "hotline:outbox-drain-pending"
DRAIN_PENDING_SECONDS = 30
# A drain starts this long after the first event that asked for it, so that the events of a
# busy moment are delivered as one batch (a registration's receipt waits a quarter of a
# second; a drain per registration cost the worker twice the CPU per event under load).
DRAIN_GATHER_SECONDS = 0.25
logger = logging.getLogger(__name__)


def enqueue(event_ids: list[int]) -> list[int]:
    """Queue the events in the current transaction; a drain is scheduled once it commits.
    The hotline.notify deferrer when settings.HOTLINE_NOTIFY_ASYNC is on."""
    if not event_ids:
        return event_ids
    EventOutbox.objects.bulk_create([EventOutbox(event_ids=event_ids[i:i + ROW_EVENTS])
                                     for i in range(0, len(event_ids), ROW_EVENTS)])
    trace.remember_events(event_ids)  # the worker logs their delivery under this request's id
    transaction.on_commit(schedule_drain, robust=True)
    return event_ids


def _queued_in_statement(event_ids: list[int]) -> None:
    trace.remember_events(event_ids)
    transaction.on_commit(schedule_drain, robust=True)


# enqueue() as a part of the statement that writes the events (PostgreSQL): one outbox row each.
IN_STATEMENT = StatementDeferral(
    sql=(f"INSERT INTO {EventOutbox._meta.db_table} (event_ids, created_at) "
         "SELECT jsonb_build_array(id), now() FROM events"),
    queued=_queued_in_statement,
)


def defer_notifications() -> None:
    """Requests queue their events here for a worker (settings.HOTLINE_NOTIFY_ASYNC)."""
    defer_to(enqueue, in_statement=IN_STATEMENT)


def schedule_drain() -> None:
    from .tasks import deliver_outbox  # tasks import this module

    if cache.add(DRAIN_PENDING_KEY, 1, timeout=DRAIN_PENDING_SECONDS):
        deliver_outbox.apply_async(countdown=DRAIN_GATHER_SECONDS)


def forget_pending_drain() -> None:
    cache.delete(DRAIN_PENDING_KEY)


def drain() -> int:
    """Deliver the queued events, oldest first. Rows are claimed (locked, skipping rows another
    worker holds), delivered and removed in one transaction: killed mid-batch, they come back.

    Rounds follow each other only while there is a backlog (a round left rows behind). After a
    round that took everything there was, the drain stops even if rows arrived meanwhile: each
    of them asked for a drain when it committed (the flag is cleared first, below), and that
    drain starts DRAIN_GATHER_SECONDS later with what gathered. Looping on instead took the
    rows one or two at a time under a steady load, at several times the worker's CPU per event.
    The drain's own events (its SMS lines) are such rows too."""
    # Cleared first: an event committed from now on schedules a drain of its own, and one
    # committed before is seen by the first round.
    forget_pending_drain()
    delivered, backlog = 0, True
    while backlog:
        events, backlog = _drain_round()
        delivered += events
    return delivered


def _drain_round() -> tuple[int, bool]:
    """One batch: (events delivered, whether rows were left for another round)."""
    with transaction.atomic():
        rows = list(EventOutbox.objects.select_for_update(skip_locked=True).order_by("id")[:DRAIN_ROWS])
        event_ids, taken = [], []
        for row in rows:  # the rows past the bound stay locked until commit: the next round takes them
            if taken and len(event_ids) + len(row.event_ids) > DRAIN_EVENTS:
                break
            taken.append(row.pk)
            event_ids += row.event_ids
        if taken:
            with _under_requests(event_ids), notify.delivering_in_background():
                deliver_events(event_ids)  # one batch: read in one query, each subscriber called once
            EventOutbox.objects.filter(pk__in=taken).delete()
        return len(event_ids), len(taken) < len(rows) or len(rows) == DRAIN_ROWS


def _under_requests(event_ids: list[int]):
    """Logs which request wrote which events of the batch; when they are all one request's,
    the delivery (its SMS notices, its pushes) runs and logs under that request's id."""
    groups = trace.by_request(event_ids)
    for request_id, ids in groups.items():
        logger.info("delivering %s event(s) of request %s", len(ids), request_id,
                    extra={"request_id": request_id, "event_ids": ids})
    if len(groups) == 1 and len(next(iter(groups.values()))) == len(event_ids):
        return context.bound(next(iter(groups)))
    return contextlib.nullcontext()


def pending() -> int:
    """Events still waiting for delivery (bench/lifecycle.py waits for it to reach 0)."""
    return sum(len(ids) for ids in EventOutbox.objects.values_list("event_ids", flat=True))
