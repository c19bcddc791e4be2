"""A push the channel layer refuses (Redis restarting) is tried again when a worker delivers it,
and dropped at once when a request does: the production fault test saw two of 285 events reach
no socket, drained while Redis restarted."""
import pytest

from hotline import notify
from live import push


class RestartingLayer:
    """A channels_redis layer whose Redis refuses the first `refusals` sends, then takes them."""

    def __init__(self, refusals: int):
        self.refusals, self.sent = refusals, []

    async def group_send(self, group, message):
        if self.refusals:
            self.refusals -= 1
            raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
        self.sent.append((group, message["text"]))


@pytest.fixture
def layer(settings, monkeypatch):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}
    monkeypatch.setattr(push, "BACKGROUND_RETRY_SECONDS", 5)
    restarting = RestartingLayer(refusals=3)
    monkeypatch.setattr(push, "get_channel_layer", lambda: restarting)
    return restarting


MESSAGES = [("office", {"type": "ticket.event", "text": "e1"}), ("display", {"type": "ticket.event", "text": "e1"})]


def test_a_worker_waits_for_the_layer_to_come_back(layer):
    with notify.delivering_in_background():
        push.send_to_groups(MESSAGES)
    assert sorted(layer.sent) == [("display", "e1"), ("office", "e1")]


def test_a_request_does_not_wait(layer, caplog):
    push.send_to_groups(MESSAGES)
    assert layer.sent == []
    assert sum("push to" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records) == 2


def test_a_worker_gives_up_after_the_retry_time(layer, monkeypatch, caplog):
    layer.refusals = 10**6
    monkeypatch.setattr(push, "BACKGROUND_RETRY_SECONDS", 1)
    with notify.delivering_in_background():
        push.send_to_groups(MESSAGES)
    assert layer.sent == []
    assert any(r.levelname == "ERROR" and "push to office failed" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_the_outbox_drain_delivers_as_a_worker(people, monkeypatch):
    from hotline import outbox
    from tests import factories as f

    seen = []
    monkeypatch.setattr(push, "send_to_groups", lambda messages: seen.append(notify.in_background()))
    outbox.defer_notifications()
    try:
        f.registered(people)
    finally:
        notify.defer_to(None)
    assert seen == [], "the request only queued its events"
    outbox.drain()
    assert seen and all(seen) and not notify.in_background()
