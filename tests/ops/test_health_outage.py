"""The load balancer's view: gunicorn (as in production) on a private PostgreSQL and Redis
answers /api/health/ 200, 503 while either is stopped, and 200 again once it is back."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.processes import ROOT, free_port, start_gunicorn, stop

from .private_services import PrivatePostgres, PrivateRedis, available

pytestmark = pytest.mark.integration
PG_PORT = int(os.environ.get("PRIVATE_PG_PORT", "5441"))
REDIS_PORT = int(os.environ.get("PRIVATE_REDIS_PORT", "6391"))


def health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(port: int, status: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            code, body = health(port)
        except TimeoutError:  # a slow answer (the server's first request on a busy machine): ask again
            code, body = None, {"error": "no answer within 10 s"}
        if code == status:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"health stayed {code} ({body}), expected {status}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def services():
    if not available():
        pytest.skip("needs PostgreSQL's initdb and redis-server")
    postgres, redis = PrivatePostgres(PG_PORT), PrivateRedis(REDIS_PORT)
    try:
        postgres.start()
        postgres.create_database()
        redis.start()
        env = {**os.environ, "DATABASE_URL": postgres.url(), "REDIS_URL": redis.url()}
        migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=600)
        assert migrated.returncode == 0, migrated.stderr
        yield postgres, redis
    finally:
        redis.remove()
        postgres.remove()


@pytest.fixture
def server(services, tmp_path):
    postgres, redis = services
    port = free_port()
    # As docker-compose's web: persistent connections, which must recover after an outage.
    proc = start_gunicorn(port, tmp_path / "gunicorn.log", DATABASE_URL=postgres.url(), REDIS_URL=redis.url(),
                          DB_CONN_MAX_AGE="600", HOTLINE_NOTIFY_ASYNC="1")
    yield port
    stop(proc)


def test_health_turns_503_while_postgres_is_stopped_and_200_when_it_returns(services, server):
    postgres, _ = services
    body = wait_for(server, 200)
    assert body["checks"]["database"]["status"] == "up" and body["checks"]["redis"]["status"] == "up"

    postgres.stop()
    try:
        body = wait_for(server, 503)
        assert body["status"] == "down" and body["checks"]["database"]["status"] == "down"
        assert body["checks"]["redis"]["status"] == "up"
    finally:
        postgres.start()

    body = wait_for(server, 200)
    assert body["checks"]["database"]["status"] == "up"


def test_health_turns_503_while_redis_is_stopped_and_200_when_it_returns(services, server):
    _, redis = services
    wait_for(server, 200)

    redis.stop()
    try:
        body = wait_for(server, 503)
        assert body["checks"]["redis"]["status"] == "down" and body["checks"]["database"]["status"] == "up"
        assert body["checks"]["broker"]["status"] == "down" and not body["checks"]["broker"]["critical"]
    finally:
        redis.start()

    body = wait_for(server, 200)
    assert body["checks"]["redis"]["status"] == "up"
