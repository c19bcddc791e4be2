"""One limiter for every public endpoint: over its limit a client address gets 429 with a Chinese
message and Retry-After, others go on; every limit is listed in docs/SECURITY-browser.md."""
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from hardening.ratelimit import hit

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "SECURITY-browser.md"


def tight(settings, name: str, attempts: int = 2):
    pattern, _, window, methods = settings.RATE_LIMITS[name]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: (pattern, attempts, window, methods)}


def test_logins_from_one_address_are_limited_with_a_chinese_429(client, settings, operator):
    tight(settings, "login")
    settings.LOGIN_BACKOFF_SECONDS = 0  # the account's own back-off (accounts) is tested there
    for _ in range(2):
        assert client.post("/login/", {"username": "operator", "password": "wrong"}).status_code == 200
    refused = client.post("/login/", {"username": "operator", "password": "pass-12345"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.content.decode()
    # Reading the login page is never limited; the admin's login counts with the same limit.
    assert client.get("/login/").status_code == 200
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 429
    # Another address is not affected.
    assert client.post("/login/", {"username": "operator", "password": "pass-12345"},
                       REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_api_answers_429_in_its_own_error_body(client, settings, operator):
    tight(settings, "api_token")
    for _ in range(2):
        client.post("/api/auth/token/", {"username": "operator", "password": "wrong"})
    refused = client.post("/api/auth/token/", {"username": "operator", "password": "pass-12345"})
    assert refused.status_code == 429 and refused["Retry-After"]
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and "请求过于频繁" in error["message"]


@pytest.mark.parametrize("name, path, method", [
    ("portal_pages", "/portal/cases/", "get"),
    ("display_feed", "/api/display/summary.json", "get"),
    ("dev_phone", "/dev/phone/", "get"),
    ("csp_report", "/csp-report/", "post"),
    ("cti_events", "/cti/events/", "post"),
    ("sms_inbound", "/sms/twilio/inbound/", "post"),
    ("open311", "/open311/v2/services.json", "get"),
])
def test_each_public_endpoint_is_limited(client, settings, name, path, method):
    tight(settings, name, attempts=1)
    getattr(client, method)(path)
    refused = getattr(client, method)(path)
    assert refused.status_code == 429 and refused["Retry-After"], (name, refused.status_code)


def test_the_portal_query_keeps_its_own_finer_limit(client, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "portal_query": (1, 600)}
    client.post("/portal/query/", {"number": "2612040001", "last4": "5678"})
    page = client.post("/portal/query/", {"number": "2612040001", "last4": "5678"}).content.decode()
    assert "查询过于频繁" in page


def test_the_window_ends_and_says_when(settings):
    assert hit("t", "a", limit=1, window_seconds=60) == 0
    wait = hit("t", "a", limit=1, window_seconds=60)
    assert 1 <= wait <= 60
    settings.RATE_LIMITS_ENABLED = False
    assert hit("t", "a", limit=1, window_seconds=60) == 0


def test_every_limit_is_in_the_docs_table():
    table = DOC.read_text()
    rows = set(re.findall(r"^\| `([a-z_0-9]+)` \|", table, flags=re.M))
    assert set(django_settings.RATE_LIMITS) | set(django_settings.PORTAL_RATE_LIMITS) <= rows
    json.dumps(django_settings.RATE_LIMITS)  # plain values, as the docs show them


def test_behind_the_proxy_the_address_nginx_saw_counts_not_one_the_client_made_up(client, settings):
    settings.PORTAL_TRUST_FORWARDED_FOR = True
    tight(settings, "portal_pages", attempts=1)
    # nginx appends the address it saw to whatever X-Forwarded-For the client sent.
    assert client.get("/portal/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7").status_code == 200
    refused = client.get("/portal/", HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.7")
    assert refused.status_code == 429
    assert client.get("/portal/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
