"""Every answer carries the Content-Security-Policy and the other security headers; HTTPS=1
turns on secure cookies, HSTS and the redirect; browsers' violation reports are logged."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
STRICT = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
          "font-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]


@pytest.mark.parametrize("path", ["/login/", "/portal/", "/api/health/", "/api/me/", "/no-such-page/",
                                  "/api/schema/docs/", "/admin/login/"])
def test_every_answer_carries_the_strict_policy_and_headers(client, path):
    answer = client.get(path)
    policy = answer["Content-Security-Policy"]
    for directive in STRICT:
        assert f"{directive};" in policy or policy.endswith(directive), (path, directive, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "connect-src 'self' ws://testserver" in policy  # the live pages' websocket
    assert answer["X-Frame-Options"] == "DENY" and answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert "geolocation=(self)" in answer["Permissions-Policy"] and "camera=()" in answer["Permissions-Policy"]
    assert "Strict-Transport-Security" not in answer  # plain HTTP: no HSTS


def test_only_redoc_may_use_inline_styles_and_never_inline_scripts(client):
    policy = client.get("/api/schema/redoc/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline';" in policy and "script-src 'self';" in policy


def test_swagger_loads_its_start_up_script_from_a_url_not_inline(client):
    page = client.get("/api/schema/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page and "?script" in page
    assert client.get("/api/schema/docs/?script=").status_code == 200


def test_the_session_cookie_is_http_only(client, operator):
    answer = client.post("/login/", {"username": "operator", "password": "pass-12345"})
    assert answer.status_code == 302 and answer.cookies["sessionid"]["httponly"]


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_a_year(client, operator, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    answer = client.post("/login/", {"username": "operator", "password": "pass-12345"},
                         HTTP_X_FORWARDED_PROTO="https")
    assert answer.cookies["sessionid"]["secure"] and answer.cookies["sessionid"]["httponly"]
    assert answer["Strict-Transport-Security"] == "max-age=31536000"
    assert "connect-src 'self' wss://testserver" in client.get("/login/", HTTP_X_FORWARDED_PROTO="https")[
        "Content-Security-Policy"]


def test_https_setting_turns_on_every_tls_knob():
    code = ("import django, json; from django.conf import settings as s; django.setup(); print(json.dumps(["
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "list(s.SECURE_PROXY_SSL_HEADER or [])]))")
    for https, expected in (("1", [True, True, True, 31536000, ["HTTP_X_FORWARDED_PROTO", "https"]]),
                            ("0", [False, False, False, 0, []])):
        env = dict(os.environ, HTTPS=https, DJANGO_SETTINGS_MODULE="config.settings")
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True).stdout
        assert json.loads(out.strip().splitlines()[-1]) == expected, https


def test_a_violation_report_is_logged(client, caplog):
    report = {"csp-report": {"document-uri": "http://testserver/console/", "violated-directive": "script-src-elem",
                             "blocked-uri": "inline", "source-file": "http://testserver/console/"}}
    with caplog.at_level("WARNING", logger="hardening.csp"):
        answer = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert answer.status_code == 204
    assert "script-src-elem" in caplog.text and "/console/" in caplog.text
    assert client.post("/csp-report/", "not json", content_type="application/json").status_code == 400
    assert client.get("/csp-report/").status_code == 405
