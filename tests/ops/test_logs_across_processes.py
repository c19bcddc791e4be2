"""LOG_FORMAT=json in every production process (gunicorn, uvicorn, Celery worker and beat, the
SMPP gateway), and one registration followed by its request id from the API call (web) to its
outbox delivery (worker) and the submit_sm of the citizen's receipt SMS (gateway)."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from sms_gateway.models import Message
from tests.processes import ROOT, child_env, free_port, start_asgi, start_celery_worker, start_gunicorn, stop
from tools.smsc.driver import GatewayProcess, Smsc

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PLAIN_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def json_lines(text: str) -> list[dict]:
    """The log's JSON objects; fails on a log line in the plain format (a process left out)."""
    lines = []
    for line in text.splitlines():
        assert not PLAIN_LINE.match(line), f"a plain log line: {line}"
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def wait(predicate, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)
    return result


def test_one_registration_is_followed_by_its_request_id_through_web_worker_and_gateway(operator, tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("the processes share PostgreSQL and Redis")
    smsc_port = free_port()
    smsc = Smsc(smsc_port, smsc_port + 1, tmp_path / "smsc.jsonl").start()
    env = {"LOG_FORMAT": "json", "SMPP_URL": smsc.url, "HOTLINE_NOTIFY_ASYNC": "1", "CELERY_TASK_ALWAYS_EAGER": "0"}
    logs = {name: tmp_path / f"{name}.log" for name in ("web", "ws", "worker", "beat", "gateway")}
    started = []
    try:
        web_port = free_port()
        started.append(start_gunicorn(web_port, logs["web"], **env))
        started.append(start_asgi(free_port(), logs["ws"], **env))
        started.append(start_celery_worker(logs["worker"], concurrency=1, **env))
        started.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info",
             "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=child_env(**env), stdout=open(logs["beat"], "wb"), stderr=subprocess.STDOUT))  # noqa: SIM115
        gateway = GatewayProcess(child_env()["DATABASE_URL"], smsc.url, logs["gateway"], **env).start()
        wait(lambda: "bound to" in logs["gateway"].read_text(), what="the gateway's bind")
        request_id = f"trace-{uuid.uuid4().hex[:12]}"
        token = Token.objects.create(user=operator).key
        body = json.dumps({"channel": "phone", "ticket_type": "help", "title": "小区路灯不亮",
                           "content": "幸福小区3栋门口路灯坏了一周", "citizen_phone": "13912345678"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{web_port}/api/tickets/", data=body, method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json",
                     "X-Request-ID": request_id})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201 and response.headers["X-Request-ID"] == request_id
            number = json.loads(response.read())["number"]

        receipt = wait(lambda: Message.objects.filter(ticket__number=number, status__in=["sent", "delivered"]).first(),
                       what="the receipt SMS at the SMSC")
        wait(lambda: receipt.sid in logs["gateway"].read_text(), what="the gateway's submit line")
        gateway.stop()
    finally:
        for proc in started:
            stop(proc)
        smsc.stop()

    web = json_lines(logs["web"].read_text())
    assert any(line["logger"] == "ops.request" and line["request_id"] == request_id and line["status"] == 201
               for line in web)
    worker = json_lines(logs["worker"].read_text())
    assert any(line["logger"] == "hotline.outbox" and line["request_id"] == request_id for line in worker)
    gateway_lines = json_lines(logs["gateway"].read_text())
    submit = next(line for line in gateway_lines if line.get("message_sid") == receipt.sid)
    assert submit["request_id"] == request_id and submit["logger"] == "sms_gateway.smpp"
    for name in ("ws", "beat"):  # their start-up lines are JSON too
        assert json_lines(logs[name].read_text()), f"{name} wrote no JSON line"
    for line in web + worker + gateway_lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line)
        assert line["time"].endswith("+08:00")
