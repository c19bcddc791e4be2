"""The optional TOTP second factor: enrolment, then a code after the password on every path."""
import re
import time

import pyotp
import pytest
from django.test import Client

from accounts.models import Lockout, TotpDevice
from audit.models import AuditAction, AuditEvent
from hotline.models import Role
from tests.conftest import make_user

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(user, at: float | None = None) -> str:
    return pyotp.TOTP(TotpDevice.objects.get(user=user).secret).at(at or time.time())


def enrol(user) -> None:
    client = Client()
    client.force_login(user)
    html = client.get("/account/totp/").content.decode()
    assert "<svg" in html and "http" not in re.sub(r'xmlns="[^"]+"', "", html).replace("http://testserver", "")
    r = client.post("/account/totp/", {"code": code_for(user, time.time() - 30)})
    assert r.status_code == 302


def test_enrolment_shows_a_local_qr_code_and_is_audited(operator):
    enrol(operator)
    assert TotpDevice.objects.get(user=operator).confirmed_at is not None
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR)
    assert event.actor == operator and event.detail == {"change": "enrolled"}


def test_a_wrong_code_does_not_enrol(operator):
    client = Client()
    client.force_login(operator)
    client.get("/account/totp/")
    r = client.post("/account/totp/", {"code": "000000"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    assert TotpDevice.objects.get(user=operator).confirmed_at is None


def test_login_asks_for_the_code_after_the_password(operator):
    enrol(operator)
    client = Client()
    r = client.post("/login/", {"username": "operator", "password": PASSWORD})
    assert r["Location"] == "/login/verify/"
    assert client.get("/console/").status_code == 302  # not signed in yet
    r = client.post("/login/verify/", {"code": "123456"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    r = client.post("/login/verify/", {"code": code_for(operator)})
    assert r.status_code == 302 and r["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_code_is_accepted_once(operator):
    enrol(operator)
    code = code_for(operator)
    first = Client()
    first.post("/login/", {"username": "operator", "password": PASSWORD})
    assert first.post("/login/verify/", {"code": code}).status_code == 302
    second = Client()
    second.post("/login/", {"username": "operator", "password": PASSWORD})
    assert second.post("/login/verify/", {"code": code}).status_code == 400


def test_wrong_codes_count_towards_the_lock(operator):
    enrol(operator)
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "operator", "password": PASSWORD})
        r = client.post("/login/verify/", {"code": "000000"})
    assert "账号已锁定" in r.content.decode()
    assert Lockout.objects.filter(key="operator").exists()


def test_admin_login_asks_for_the_code(db):
    # The admin site is the system administrator's (三员分立).
    sysadmin = make_user("sysadmin", Role.SYSADMIN, is_staff=True)
    enrol(sysadmin)
    client = Client()
    r = client.post("/admin/login/?next=/admin/", {"username": "sysadmin", "password": PASSWORD})
    assert r["Location"] == "/login/verify/"
    r = client.post("/login/verify/", {"code": code_for(sysadmin)})
    assert r["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_token_endpoint_wants_the_otp_field(operator):
    enrol(operator)
    url, body = "/api/auth/token/", {"username": "operator", "password": PASSWORD}
    r = Client().post(url, body, content_type="application/json")
    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_required"
    r = Client().post(url, body | {"otp": "000000"}, content_type="application/json")
    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_invalid"
    r = Client().post(url, body | {"otp": code_for(operator)}, content_type="application/json")
    assert r.status_code == 200 and r.json()["token"]


def test_required_roles_enrol_at_their_first_login(settings, operator, supervisor):
    settings.TOTP_REQUIRED_ROLES = ["operator"]
    assert Client().post("/login/", {"username": "supervisor", "password": PASSWORD})["Location"] == "/board/"
    client = Client()
    assert client.post("/login/", {"username": "operator", "password": PASSWORD})["Location"] == "/login/verify/"
    html = client.get("/login/verify/").content.decode()
    assert "您的账号须使用动态验证码登录" in html and "<svg" in html
    r = client.post("/login/verify/", {"code": code_for(operator)})
    assert r["Location"] == "/console/"
    assert TotpDevice.objects.get(user=operator).confirmed_at is not None
    r = Client().post("/api/auth/token/", {"username": "supervisor", "password": PASSWORD},
                      content_type="application/json")
    assert r.status_code == 200


def test_a_required_role_without_an_authenticator_gets_no_token(settings, operator):
    settings.TOTP_REQUIRED_ROLES = ["operator"]
    r = Client().post("/api/auth/token/", {"username": "operator", "password": PASSWORD},
                      content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "otp_enrolment_required"


def test_removing_needs_a_current_code_and_is_audited(operator):
    enrol(operator)
    client = Client()
    client.force_login(operator)
    assert client.post("/account/totp/", {"action": "remove", "code": "000000"}).status_code == 400
    client.post("/account/totp/", {"action": "remove", "code": code_for(operator)})
    assert not TotpDevice.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR, detail__change="removed").exists()
