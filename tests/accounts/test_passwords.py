"""The password policy, its history, expiry and the forced change."""
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from accounts.models import PasswordRecord
from accounts.services import password_change
from audit.models import AuditAction, AuditEvent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
GOOD = "Hotline#2026x"


def reasons(password, user) -> list[str]:
    try:
        with translation.override("zh-hans"):
            validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize("password, reason", [
    ("Ab1#xyz", "密码长度太短"),  # Django's, in Chinese
    ("lowercaseonly12", "至少 3 类"),
    ("ALLUPPER123456", "至少 3 类"),
    ("Operator#2026x", "不能包含用户名"),
    ("Password123", "太常见"),
    ("12345678901234", "密码只包含数字"),
])
def test_policy_refuses_with_a_chinese_reason(operator, password, reason):
    assert any(reason in message for message in reasons(password, operator)), reasons(password, operator)


def test_a_good_password_passes(operator):
    assert reasons(GOOD, operator) == []


def test_the_last_five_passwords_cannot_be_reused(operator):
    used = [f"Hotline#{n}abcde" for n in range(5)]
    for password in used:
        password_change(user=operator, new_password=password)
    for password in used:
        assert "不能与最近 5 次使用过的密码相同" in reasons(password, operator)
    password_change(user=operator, new_password="Hotline#5abcde")
    assert reasons(used[0], operator) == []  # the sixth back is free again
    assert PasswordRecord.objects.filter(user=operator).count() == 5


def test_change_page_changes_and_audits(operator):
    client = Client()
    client.force_login(operator)
    r = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD})
    assert r.status_code == 302 and r["Location"] == "/console/"
    operator.refresh_from_db()
    assert operator.check_password(GOOD)
    assert client.get("/console/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=operator).count() == 1


def test_change_page_says_what_is_wrong(operator):
    client = Client()
    client.force_login(operator)
    r = client.post("/account/password/", {"old_password": "nope", "new_password1": "short", "new_password2": "short"})
    html = r.content.decode()
    assert r.status_code == 400 and "当前密码不正确" in html and "密码长度太短" in html
    r = client.post("/account/password/",
                    {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD + "1"})
    assert "两次输入的新密码不一致" in r.content.decode()


def test_a_browser_asking_for_english_still_reads_chinese(operator):
    """Only Chinese is offered: Django's own messages (the common-password rule) followed the
    browser's Accept-Language into English inside a Chinese page."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(operator)
    r = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "password123",
                                            "new_password2": "password123"})
    html = r.content.decode()
    assert "太常见" in html and "too common" not in html
    assert r["Content-Language"] == "zh-hans"


def expire(user, days=91):
    """create_user's password is dated by the account; a changed one by its record."""
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))
    PasswordRecord.objects.filter(user=user).update(set_at=timezone.now() - timedelta(days=days))


def test_an_expired_password_forces_the_change_before_any_page(operator):
    expire(operator)
    client = Client()
    r = client.post("/login/", {"username": "operator", "password": PASSWORD})
    assert r.status_code == 302
    r = client.get("/console/")
    assert r.status_code == 302 and r["Location"] == "/account/password/?next=%2Fconsole%2F"
    assert "您的密码已过期" in client.get(r["Location"]).content.decode()
    assert client.get("/api/tickets/").json()["error"]["code"] == "password_expired"
    r = client.post(r["Location"], {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD})
    assert r["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_expiry_follows_the_setting(settings, operator):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    expire(operator, days=31)
    client = Client()
    client.post("/login/", {"username": "operator", "password": PASSWORD})
    assert client.get("/console/").status_code == 302
    settings.PASSWORD_MAX_AGE_DAYS = 0  # never
    client = Client()
    client.post("/login/", {"username": "operator", "password": PASSWORD})
    assert client.get("/console/").status_code == 200


def test_the_api_answers_403_password_expired(operator):
    expire(operator)
    r = Client().post("/api/auth/token/", {"username": "operator", "password": PASSWORD},
                      content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_expired"


def test_a_token_of_an_expired_password_is_refused(operator):
    token = Client().post("/api/auth/token/", {"username": "operator", "password": PASSWORD},
                          content_type="application/json").json()["token"]
    operator.refresh_from_db()
    expire(operator)
    from accounts import authentication

    authentication._expiry.clear()
    r = Client().get("/api/tickets/", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_expired"


def test_the_seeded_demo_logs_in_without_a_forced_change(db):
    from demo.county import DEMO_PASSWORD, build_county

    build_county()
    client = Client()
    r = client.post("/login/", {"username": "operator", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    assert client.get(r["Location"]).status_code == 200
