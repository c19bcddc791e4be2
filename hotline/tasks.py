"""Celery tasks of the ticket core: delivering the outbox's events to the subscribers."""
from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from . import outbox

# Database hiccups are retried with exponential backoff; anything else is a bug to see, not to repeat.
TRANSIENT_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="hotline.deliver_outbox", **TRANSIENT_RETRY)
def deliver_outbox() -> int:
    """Idempotent: rows are claimed, delivered and removed in one transaction (hotline.outbox.drain).
    Renamed from dispatch.deliver_outbox: a message of the old name left in a queue across an
    upgrade fails as unknown and loses nothing, since its rows stay until the next drain."""
    return outbox.drain()


@worker_ready.connect
def drain_what_a_dead_worker_left(**_kwargs) -> None:
    """A worker that starts (a restart after a crash, a Redis that came back) delivers the rows
    its predecessor left at once: the pending flag a dead worker held would otherwise keep new
    drains from being queued until it expires (outbox.DRAIN_PENDING_SECONDS)."""
    outbox.forget_pending_drain()
    outbox.schedule_drain()
