"""Five failures lock an account (and an address) on every login path; the security
administrator is told and may unlock it."""
import time
from io import StringIO

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Lockout, Scope
from accounts.services import account_unlock
from audit.models import AuditAction, AuditEvent
from sms_gateway.models import Message

from .conftest import PASSWORD, wrong_logins

pytestmark = pytest.mark.django_db


def hhmm(lock: Lockout) -> str:
    return timezone.localtime(lock.locked_until).strftime("%H:%M")


def test_login_page_locks_after_five_failures_even_with_the_right_password(client, operator):
    responses = wrong_logins(client, "operator", 5)
    assert all("用户名或密码不正确" in r.content.decode() for r in responses[:4])
    lock = Lockout.objects.get(scope=Scope.ACCOUNT, key="operator")
    assert f"账号已锁定，请于 {hhmm(lock)} 后重试" in responses[4].content.decode()
    r = Client(REMOTE_ADDR="10.0.0.9").post("/login/", {"username": "operator", "password": PASSWORD})
    assert r.status_code == 200 and f"账号已锁定，请于 {hhmm(lock)} 后重试" in r.content.decode()
    assert "_auth_user_id" not in r.client.session


def test_lock_lasts_the_configured_minutes(settings, client, operator):
    settings.LOGIN_LOCK_MINUTES = 7
    wrong_logins(client, "operator", 5)
    lock = Lockout.objects.get(scope=Scope.ACCOUNT, key="operator")
    assert abs((lock.locked_until - timezone.now()).total_seconds() - 7 * 60) < 5


def test_four_failures_then_the_right_password_gets_in_and_starts_the_count_again(client, operator):
    wrong_logins(client, "operator", 4)
    assert client.post("/login/", {"username": "operator", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    wrong_logins(client, "operator", 4)
    assert not Lockout.objects.filter(scope=Scope.ACCOUNT).exists()


def test_token_endpoint_locks_with_a_json_error_and_retry_time(client, operator):
    for _ in range(4):
        r = client.post("/api/auth/token/", {"username": "operator", "password": "wrong"},
                        content_type="application/json")
        assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_failed"
    r = client.post("/api/auth/token/", {"username": "operator", "password": "wrong"}, content_type="application/json")
    assert r.status_code == 429
    r = Client(REMOTE_ADDR="10.0.0.9").post("/api/auth/token/", {"username": "operator", "password": PASSWORD},
                                             content_type="application/json")
    error = r.json()["error"]
    lock = Lockout.objects.get(scope=Scope.ACCOUNT, key="operator")
    assert r.status_code == 429 and error["code"] == "account_locked"
    assert error["message"] == f"账号已锁定，请于 {hhmm(lock)} 后重试"
    assert error["details"]["retry_at"] == lock.locked_until.isoformat()
    assert 29 * 60 < int(r["Retry-After"]) <= 30 * 60


def test_admin_login_locks(client, operator):
    operator.is_staff = True
    operator.save()
    responses = wrong_logins(client, "operator", 5, path="/admin/login/")
    lock = Lockout.objects.get(scope=Scope.ACCOUNT, key="operator")
    assert f"账号已锁定，请于 {hhmm(lock)} 后重试" in responses[4].content.decode()
    r = Client(REMOTE_ADDR="10.0.0.9").post("/admin/login/?next=/admin/",
                                             {"username": "operator", "password": PASSWORD})
    assert r.status_code == 200 and "账号已锁定" in r.content.decode()
    operator.refresh_from_db()
    account_unlock(user=operator, actor=operator)  # the account; 127.0.0.1 stays locked
    r = Client(REMOTE_ADDR="10.0.0.7").post("/admin/login/?next=/admin/",
                                             {"username": "operator", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/admin/"


def test_an_address_guessing_many_accounts_is_locked(client, operator, supervisor):
    for name in ("a1", "a2", "a3", "operator", "supervisor"):
        client.post("/login/", {"username": name, "password": "wrong"})
    lock = Lockout.objects.get(scope=Scope.ADDRESS, key="127.0.0.1")
    r = client.post("/login/", {"username": "supervisor", "password": PASSWORD})
    assert f"请于 {hhmm(lock)} 后重试" in r.content.decode() and "_auth_user_id" not in client.session
    # The accounts themselves are not locked: from another address they get in.
    assert Client(REMOTE_ADDR="10.0.0.8").post("/login/", {"username": "supervisor", "password": PASSWORD}) \
        .status_code == 302


def test_backoff_refuses_attempts_for_a_growing_delay(settings, client, operator):
    settings.LOGIN_BACKOFF_SECONDS = 1
    client.post("/login/", {"username": "operator", "password": "wrong"})
    client.post("/login/", {"username": "operator", "password": "wrong"})  # 2 failures: wait 1 s
    r = client.post("/login/", {"username": "operator", "password": PASSWORD})
    assert "登录失败次数较多，请于 1 秒后重试" in r.content.decode()
    time.sleep(1.1)
    client.post("/login/", {"username": "operator", "password": "wrong"})  # 3 failures: wait 2 s
    time.sleep(1.1)
    r = client.post("/api/auth/token/", {"username": "operator", "password": PASSWORD}, content_type="application/json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "login_backoff" and r["Retry-After"] == "1"
    time.sleep(1)
    assert client.post("/login/", {"username": "operator", "password": PASSWORD}).status_code == 302


def test_refused_attempts_are_not_counted(settings, client, operator):
    settings.LOGIN_BACKOFF_SECONDS = 60
    for _ in range(10):
        client.post("/login/", {"username": "operator", "password": "wrong"})
    assert not Lockout.objects.exists()


def test_every_refusal_fires_login_failed(client, operator):
    heard = []

    def listener(sender, credentials, request, **kwargs):
        heard.append(credentials["username"])

    user_login_failed.connect(listener)
    try:
        wrong_logins(client, "operator", 6)
        client.post("/api/auth/token/", {"username": "operator", "password": PASSWORD}, content_type="application/json")
    finally:
        user_login_failed.disconnect(listener)
    assert heard == ["operator"] * 7


def test_the_lock_is_audited_and_the_security_administrator_told_by_sms(committed, client, operator, secadmin):
    with committed():
        wrong_logins(client, "operator", 5)
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_LOCKED, target_type="user")
    assert event.target_id == str(operator.pk) and event.ip == "127.0.0.1" and event.detail["failures"] == 5
    account, address = Message.objects.filter(to_number="13900000077").order_by("pk")
    assert "账号 operator（话务员小张） 连续登录失败 5 次，已锁定至" in account.body
    assert account.kind == "account_locked"
    assert "来源地址 127.0.0.1 连续登录失败 5 次" in address.body


def test_unlock_lets_the_right_password_in_and_is_audited(client, operator, secadmin):
    wrong_logins(client, "operator", 5)
    assert account_unlock(user=operator, actor=secadmin) == 1
    other_address = Client(REMOTE_ADDR="10.0.0.7")
    assert other_address.post("/login/", {"username": "operator", "password": PASSWORD}).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_UNLOCKED)
    assert event.actor == secadmin and event.target_id == "operator"


def test_the_security_page_lists_locks_and_unlocks(client, operator, secadmin):
    wrong_logins(client, "operator", 5)
    page = Client()
    page.force_login(secadmin)
    html = page.get("/account/security/").content.decode()
    assert "operator" in html and "127.0.0.1" in html and "解锁" in html
    for lock in Lockout.objects.all():
        page.post("/account/security/", {"action": "unlock", "lock": lock.pk})
    assert "当前没有被锁定的账号或地址" in page.get("/account/security/").content.decode()
    assert client.post("/login/", {"username": "operator", "password": PASSWORD}).status_code == 302


def test_only_the_security_administrator_opens_the_security_page(operator, leader):
    for user in (operator, leader):
        page = Client()
        page.force_login(user)
        assert page.get("/account/security/").status_code == 403


def test_the_shell_lists_and_unlocks_an_address_locked_for_everyone_behind_it(client, operator, supervisor):
    """A centre behind one NAT address: its security administrator may be locked out too."""
    wrong_logins(client, "nobody", 5)
    assert client.post("/login/", {"username": "supervisor", "password": PASSWORD}).status_code == 200
    listed = StringIO()
    call_command("login_unlock", "--list", stdout=listed)
    assert "127.0.0.1" in listed.getvalue() and "失败 5 次" in listed.getvalue()
    call_command("login_unlock", "127.0.0.1", stdout=StringIO())
    assert client.post("/login/", {"username": "supervisor", "password": PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_UNLOCKED, target_id="127.0.0.1").count() == 1
    with pytest.raises(CommandError, match="当前没有锁定"):
        call_command("login_unlock", "127.0.0.1")
