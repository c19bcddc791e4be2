"""Celery tasks of the ticket core: delivering the outbox's events to the subscribers."""
from celery import shared_task
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
