"""What runs after a commit cannot undo it: a registration whose post-commit work fails (Redis
down while the drain is scheduled) has still been made, and says so. It answered 500 before,
and the client that retried registered the citizen twice (the production fault test)."""
import pytest
import redis
from django.core.cache import cache

from hotline import notify, outbox
from hotline.models import EventOutbox, Ticket
from hotline.tasks import deliver_outbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_too]


@pytest.fixture
def queued_for_a_worker():
    """HOTLINE_NOTIFY_ASYNC as in production: requests queue their events in the outbox."""
    outbox.defer_notifications()
    yield
    notify.defer_to(None)


def test_registration_stands_when_the_drain_cannot_be_scheduled(operator, api, queued_for_a_worker, monkeypatch):
    def redis_down(*args, **kwargs):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(cache, "add", redis_down)
    answer = api(operator).post("/api/tickets/", {
        "channel": "phone", "ticket_type": "complaint", "content": "小区路灯不亮，晚上出行不安全。",
        "citizen_phone": "13700001111"}, format="json")
    assert answer.status_code == 201, answer.content
    ticket = Ticket.objects.get()
    assert answer.json()["number"] == ticket.number
    waiting = set(EventOutbox.objects.values_list("pk", flat=True))
    assert waiting, "the events wait in the outbox for the next drain"

    monkeypatch.undo()  # Redis is back: beat's deliver-outbox minute sends the receipt
    deliver_outbox()
    assert not EventOutbox.objects.filter(pk__in=waiting).exists()
    assert ticket.sms_messages.filter(kind="citizen_receipt").count() == 1
