"""Request ids (X-Request-ID in and out, on every log line, into tasks and outbox deliveries)
and JSON log lines."""
import json
import logging

import pytest

from hotline.models import TicketEvent
from ops import context, logs, trace
from ops.tasks_context import _enter, _leave, _stamp
from tests import factories

pytestmark = pytest.mark.django_db


def json_line(record: logging.LogRecord) -> dict:
    logs.RequestIdFilter().filter(record)
    return json.loads(logs.JsonFormatter().format(record))


def test_the_proxys_request_id_is_kept_and_returned(client):
    response = client.get("/api/health/", HTTP_X_REQUEST_ID="f3a9c0de12345678f3a9c0de12345678")
    assert response["X-Request-ID"] == "f3a9c0de12345678f3a9c0de12345678"


def test_a_request_without_one_gets_a_new_id_each_time(client):
    first, second = client.get("/api/health/")["X-Request-ID"], client.get("/api/health/")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_header_that_could_forge_log_lines_is_replaced(client):
    response = client.get("/api/health/", HTTP_X_REQUEST_ID='abc"\n{"level": "ERROR"}')
    assert response["X-Request-ID"] != 'abc"\n{"level": "ERROR"}' and len(response["X-Request-ID"]) == 32


def test_every_log_line_of_a_request_carries_its_id(client, caplog, settings):
    settings.OPS_LOG_REQUESTS = True
    with caplog.at_level(logging.INFO):
        client.get("/api/no-such-thing/", HTTP_X_REQUEST_ID="req-404")  # Django logs the 404 itself
    lines = [json_line(r) for r in caplog.records if r.name in ("django.request", "ops.request")]
    assert {line["logger"] for line in lines} == {"django.request", "ops.request"}
    assert {line["request_id"] for line in lines} == {"req-404"}
    access = next(line for line in lines if line["logger"] == "ops.request")
    assert access["status"] == 404 and access["method"] == "GET" and access["path"] == "/api/no-such-thing/"


def test_a_json_line_has_local_time_level_logger_message_and_the_extra_fields():
    record = logging.LogRecord("sms_gateway.smpp", logging.WARNING, __file__, 1, "session ended: %s", ("超时",), None)
    record.message_sid = "SM0123"
    with context.bound("req-1"):
        line = json_line(record)
    assert line["time"].endswith("+08:00") and "T" in line["time"]
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "sms_gateway.smpp", "session ended: 超时")
    assert line["request_id"] == "req-1" and line["message_sid"] == "SM0123"


def test_an_exception_is_one_line_too():
    try:
        raise ValueError("坏数据")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = logs.JsonFormatter().format(record)
    assert "\n" not in text and "ValueError: 坏数据" in json.loads(text)["exception"]


def test_plain_text_is_the_default_and_json_is_switched_on_by_log_format(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert logs.logging_config()["formatters"]["main"] == {"format": logs.PLAIN}
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert logs.logging_config()["formatters"]["main"] == {"()": "ops.logs.JsonFormatter"}


class FakeRequest(dict):
    def __getattr__(self, name):
        return self.get(name)


class FakeTask:
    def __init__(self, request):
        self.request = FakeRequest(request)


def test_a_task_published_in_a_request_carries_its_id_and_runs_under_it():
    headers = {}
    with context.bound("req-task"):
        _stamp(headers=headers)
    assert headers == {"request_id": "req-task"}

    _enter(task_id="t1", task=FakeTask(headers))  # in the worker
    assert context.current() == "req-task"
    _leave(task_id="t1")
    assert context.current() == ""


def test_a_task_beat_started_runs_under_its_own_task_id():
    _enter(task_id="beat-task-1", task=FakeTask({}))
    assert context.current() == "beat-task-1"
    _leave(task_id="beat-task-1")


def test_outbox_delivery_logs_under_the_request_that_wrote_the_events(people, settings, caplog):
    from hotline import outbox

    with context.bound("req-register"):
        ticket = factories.registered(people)
        event_ids = list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))
        outbox.enqueue(event_ids)  # what HOTLINE_NOTIFY_ASYNC makes a request do
    with caplog.at_level(logging.INFO, logger="hotline.outbox"), context.bound("drain-task"):
        outbox.drain()
    lines = [json_line(r) for r in caplog.records if r.name == "hotline.outbox"]
    assert lines and lines[0]["request_id"] == "req-register" and lines[0]["event_ids"] == event_ids


def test_the_gateway_logs_a_notice_under_the_request_that_registered_the_ticket(people, caplog):
    from sms_gateway.models import Direction, Message
    from sms_gateway.smpp.session import log_submitted

    with context.bound("req-sms"):
        ticket = factories.registered(people)
        event = TicketEvent.objects.filter(ticket=ticket, kind="register").get()
        trace.remember_events([event.pk])
    message = Message.objects.create(direction=Direction.OUTBOUND_API, from_number="12345", to_number="13812345678",
                                     body="您的诉求已受理", ticket=ticket, dedupe_key=f"receipt:{event.pk}:13812345678")

    with caplog.at_level(logging.INFO, logger="sms_gateway.smpp"):
        log_submitted([message.pk])

    line = json_line(next(r for r in caplog.records if r.name == "sms_gateway.smpp"))
    assert line["request_id"] == "req-sms" and line["message_sid"] == message.sid and line["ticket_id"] == ticket.pk


def test_nginx_passes_its_request_id_on_every_proxied_location():
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "deploy/nginx.conf").read_text()
    locations = conf.split("location ")[1:]
    assert locations and all("proxy_set_header X-Request-ID $request_id;" in block for block in locations)


class Kept(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


async def test_a_websocket_logs_under_the_request_id_of_its_upgrade():
    """A display socket refused for a bad token logs it under nginx's id for the upgrade."""
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/display/", subprotocols=["hotline.display", "bad-token"],
                                         headers=[(b"x-request-id", b"ws-upgrade-1"), (b"origin", b"http://testserver"),
                                                  (b"host", b"testserver")])
    kept, logger = Kept(), logging.getLogger("live.consumers")
    logger.addHandler(kept)
    try:
        connected, _ = await communicator.connect()
    finally:
        logger.removeHandler(kept)
    assert not connected
    refused = next(r for r in kept.records if "bad token" in r.getMessage())
    assert json_line(refused)["request_id"] == "ws-upgrade-1"
