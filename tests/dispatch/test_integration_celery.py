"""A real Celery worker on the Redis broker runs the light sweep, twice at once, at every change."""
import datetime as dt
import time

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from config.celery import app
from dispatch import tasks
from dispatch.models import LightTimer, SupervisionNotice
from hotline import notify, outbox
from hotline.models import EventOutbox, Ticket, TicketEvent
from sms_gateway.models import Message

from ..live.helpers import dispatched
from ..processes import start_celery_worker, stop
from .crowd import crowd_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
CROWD = 300  # further tickets crossing at the same moment, so that the two sweeps overlap


@pytest.fixture
def worker(tmp_path):
    proc = start_celery_worker(tmp_path / "worker.log", concurrency=2)
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1):
        assert proc.poll() is None, (tmp_path / "worker.log").read_text()
        assert time.monotonic() < deadline, "worker did not start"
    yield proc
    stop(proc)


def wait_until_idle(timeout: float = 60) -> None:
    """Until the queue is empty and no task is running (no result backend needed)."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        active = app.control.inspect(timeout=1).active() or {}
        busy = broker.llen("celery") or any(active.values())
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return
        time.sleep(0.3)
    raise TimeoutError("worker still busy")


def sweep_twice_at_once() -> None:
    tasks.sweep_lights.delay()
    tasks.sweep_lights.delay()
    wait_until_idle()


def test_yellow_then_red_gives_one_urge_and_one_supervision_notice(worker, operator, supervisor, unit_a):
    ticket = dispatched(operator, supervisor, unit_a)
    crowd = crowd_like(ticket, CROWD, prefix="T")
    everyone = Ticket.objects.filter(pk__in=[ticket.pk, *crowd])
    now = timezone.now()

    ids = [ticket.pk, *crowd]
    everyone.update(warn_at=now - dt.timedelta(minutes=1))  # yellow
    LightTimer.objects.filter(ticket_id__in=ids, light="yellow").update(fires_at=now - dt.timedelta(minutes=1))
    sweep_twice_at_once()
    urges = TicketEvent.objects.filter(kind="urge")
    assert urges.filter(ticket=ticket).count() == 1
    assert urges.count() == CROWD + 1  # each ticket once, none twice

    everyone.update(due_at=now - dt.timedelta(minutes=1), warn_at=now - dt.timedelta(days=1))  # red
    LightTimer.objects.filter(ticket_id__in=ids, light="red").update(fires_at=now - dt.timedelta(minutes=1))
    sweep_twice_at_once()
    sweep_twice_at_once()  # and again later: nothing new
    supervisions = TicketEvent.objects.filter(kind="supervise")
    assert supervisions.filter(ticket=ticket).count() == 1 and supervisions.count() == CROWD + 1
    assert SupervisionNotice.objects.filter(ticket=ticket).count() == 1
    assert SupervisionNotice.objects.count() == CROWD + 1
    assert urges.count() == CROWD + 1
    assert not EventOutbox.objects.exists()  # every event was delivered by the worker
    assert SupervisionNotice.objects.get(ticket=ticket).file  # the worker rendered the PDF


def test_a_registration_returns_before_its_notifications_which_the_worker_delivers(worker, operator, client):
    """Production (HOTLINE_NOTIFY_ASYNC): the request only queues; the citizen's receipt text
    and the timeline line come from the worker, once."""
    outbox.defer_notifications()  # as dispatch.apps does in production
    try:
        client.force_login(operator)
        response = client.post("/api/tickets/", {
            "channel": "phone", "ticket_type": "help", "title": "小区路灯不亮",
            "content": "幸福小区3栋门口路灯坏了一周", "citizen_phone": "13912345678"}, content_type="application/json")
    finally:
        notify.defer_to(None)
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    deadline = time.monotonic() + 30
    while EventOutbox.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    wait_until_idle()
    assert not EventOutbox.objects.exists()
    receipts = TicketEvent.objects.filter(ticket=ticket, kind="sms_sent", payload__template="citizen_receipt")
    assert receipts.count() == 1
    assert Message.objects.filter(ticket=ticket, to_number__endswith="13912345678").count() == 1
