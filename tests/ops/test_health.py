"""/api/health/ in the embedded default: every check answers, degraded states stay 200."""
import datetime as dt

import pytest
from django.utils import timezone

from hotline.models import EventOutbox
from ops import health, shared

pytestmark = pytest.mark.django_db


def test_the_embedded_default_is_ok_with_each_check_and_its_latency(client):
    response = client.get("/api/health/")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"] == {**body["checks"]["database"], "status": "up", "critical": True}
    assert {"database", "redis", "broker", "smpp", "outbox", "sms_outbox", "timers"} <= set(body["checks"])
    assert all(isinstance(check["latency_ms"], float) for check in body["checks"].values())
    assert body["checks"]["redis"]["status"] == "skipped"  # no REDIS_URL here
    assert response["Cache-Control"] == "no-store"


def test_an_old_outbox_backlog_is_degraded_but_still_200(client, settings):
    row = EventOutbox.objects.create(event_ids=[1])
    EventOutbox.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))

    response = client.get("/api/health/")

    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["checks"]["outbox"]["status"] == "degraded"
    assert response.json()["checks"]["outbox"]["oldest_unsent_seconds"] >= 3600


def test_an_unbound_smpp_session_is_degraded_and_a_bound_one_up(client, settings):
    settings.SMS_TRANSPORT = "smpp"
    assert client.get("/api/health/").json()["checks"]["smpp"]["reason"] == "no gateway heartbeat"

    from sms_gateway.monitoring import gateway_alive

    gateway_alive(bound=True, session="abc")
    assert client.get("/api/health/").json()["checks"]["smpp"]["status"] == "up"
    gateway_alive(bound=False)
    response = client.get("/api/health/")
    assert response.status_code == 200 and response.json()["checks"]["smpp"] == {
        **response.json()["checks"]["smpp"], "status": "degraded", "bound": False}


def test_a_late_sweep_is_degraded(client, settings):
    shared.beat("sweep_lights", seconds=0.1, urged=0, supervised=0)
    assert client.get("/api/health/").json()["checks"]["timers"]["status"] == "up"
    settings.OPS_SWEEP_LATE_SECONDS = -1
    assert client.get("/api/health/").json()["checks"]["timers"]["status"] == "degraded"


def test_a_critical_check_that_fails_answers_503_without_saying_why_in_secrets(client, monkeypatch):
    def broken():
        raise ConnectionError("could not connect to postgres://hotline:s3cret@db:5432/hotline")

    monkeypatch.setitem(health._checks, "database", health.Check("database", broken, critical=True))

    response = client.get("/api/health/")

    assert response.status_code == 503 and response.json()["status"] == "down"
    assert response.json()["checks"]["database"]["error"] == "ConnectionError"
    assert b"s3cret" not in response.content and b"postgres://" not in response.content


def test_the_command_prints_the_same_report_and_fails_when_critical_is_down(monkeypatch, capsys):
    import json

    from django.core.management import call_command

    call_command("health")
    assert json.loads(capsys.readouterr().out)["status"] == "ok"

    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(health._checks, "database", health.Check("database", broken, critical=True))
    with pytest.raises(SystemExit) as exited:
        call_command("health")
    assert exited.value.code == 1 and json.loads(capsys.readouterr().out)["status"] == "down"


def test_checks_that_read_redis_are_reported_down_at_once_when_redis_is(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.SMS_TRANSPORT = "smpp"

    response = client.get("/api/health/")

    checks = response.json()["checks"]
    assert response.status_code == 503 and checks["redis"]["status"] == "down"
    assert checks["timers"] == {"status": "down", "critical": False, "latency_ms": 0.0, "error": "redis down"}
    assert checks["smpp"]["error"] == "redis down" and checks["database"]["status"] == "up"
