"""A worker that starts delivers what a dead one left behind, without waiting for the pending
flag the dead worker held to expire (found by the production fault test: ~30 s of silence)."""
import pytest
from celery.signals import worker_ready
from django.core.cache import cache

from hotline import notify, outbox
from hotline.models import EventOutbox, TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_starting_worker_drains_what_was_left_at_once(people):
    with notify.muted():
        ticket = f.registered(people)
    events = list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))
    EventOutbox.objects.create(event_ids=events)
    # The dead worker's drain: queued, flag held, never run.
    cache.set(outbox.DRAIN_PENDING_KEY, 1, timeout=outbox.DRAIN_PENDING_SECONDS)
    outbox.schedule_drain()
    assert EventOutbox.objects.count() == 1, "the flag keeps a new drain from being queued"

    worker_ready.send(sender=None)  # tasks run in process here (CELERY_TASK_ALWAYS_EAGER)
    assert EventOutbox.objects.count() == 0
    assert ticket.events.filter(kind="sms_sent").exists(), "the receipt went out"
