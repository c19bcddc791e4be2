"""Two server processes sharing PostgreSQL and Redis agree: failures counted by either lock the
account on both, and a token revoked anywhere stops working in both within about a second."""
import json
import os
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from accounts.lockout import CacheCounters
from accounts.models import Lockout, Scope
from tests.processes import free_port, start_asgi, stop

from .conftest import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def post_json(port: int, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get_status(port: int, path: str, token: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def operator(operator, settings):
    """Hashed as the servers hash (the tests' fast MD5 is not among their hashers)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    operator.set_password(PASSWORD)
    operator.save()
    return operator


@pytest.fixture
def two_servers(tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("the processes share PostgreSQL and Redis")
    for scope, key in ((Scope.ACCOUNT, "operator"), (Scope.ADDRESS, "127.0.0.1")):
        CacheCounters().clear(scope, key)  # left by an earlier run in this Redis database
    env = {"LOGIN_BACKOFF_SECONDS": "0"}
    first = start_asgi(free_port(), tmp_path / "a.log", **env)
    try:
        second = start_asgi(free_port(), tmp_path / "b.log", **env)
    except Exception:
        stop(first)
        raise
    try:
        yield first.args[first.args.index("--port") + 1], second.args[second.args.index("--port") + 1]
    finally:
        stop(first)
        stop(second)
        for scope, key in ((Scope.ACCOUNT, "operator"), (Scope.ADDRESS, "127.0.0.1")):
            CacheCounters().clear(scope, key)


def test_failures_on_either_server_lock_the_account_on_both(operator, two_servers):
    a, b = two_servers
    wrong = {"username": "operator", "password": "wrong"}
    for port in (a, b, a, b):
        assert post_json(int(port), "/api/auth/token/", wrong)[0] == 401
    status, body = post_json(int(a), "/api/auth/token/", wrong)  # the fifth, counted in Redis
    assert status == 429 and body["error"]["code"] == "account_locked"
    assert Lockout.objects.filter(scope=Scope.ACCOUNT, key="operator").exists()
    for port in (a, b):
        status, body = post_json(int(port), "/api/auth/token/", {"username": "operator", "password": PASSWORD})
        assert status == 429 and body["error"]["message"].startswith("账号已锁定，请于 ")


def test_a_token_revoked_elsewhere_stops_working_on_both_within_seconds(operator, two_servers):
    from accounts.services import token_revoke

    a, b = (int(port) for port in two_servers)
    status, body = post_json(a, "/api/auth/token/", {"username": "operator", "password": PASSWORD})
    assert status == 200
    token = body["token"]
    assert get_status(a, "/api/tickets/", token) == 200 and get_status(b, "/api/tickets/", token) == 200
    token_revoke(user=operator, actor=None)  # here: a third process
    time.sleep(1.5)  # EPOCH_CHECK_SECONDS, and a margin
    assert get_status(a, "/api/tickets/", token) == 401
    assert get_status(b, "/api/tickets/", token) == 401
