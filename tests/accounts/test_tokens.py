"""API tokens expire and can be revoked, one user's or all, from anywhere within a second."""
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token

from accounts import authentication
from audit.models import AuditAction, AuditEvent
from hotline.rest import authentication as cached

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def token_for(username: str) -> dict:
    r = Client().post("/api/auth/token/", {"username": username, "password": PASSWORD},
                      content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


def call(key: str):
    return Client().get("/api/tickets/", HTTP_AUTHORIZATION=f"Token {key}")


def test_token_says_when_it_expires_and_is_audited(settings, operator):
    settings.API_TOKEN_HOURS = 8
    body = token_for("operator")
    expires = parse_datetime(body["expires_at"])
    assert abs((expires - timezone.now() - timedelta(hours=8)).total_seconds()) < 5
    assert token_for("operator")["token"] == body["token"]  # the same while it lasts
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_ISSUED, actor=operator).count() == 1


def test_an_expired_token_is_refused_and_a_new_one_issued(settings, operator):
    key = token_for("operator")["token"]
    assert call(key).status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(hours=13))
    cached.forget_all()
    r = call(key)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"
    assert r.json()["error"]["message"] == "接口令牌已过期，请重新获取"
    fresh = token_for("operator")["token"]
    assert fresh != key and call(fresh).status_code == 200


def test_the_display_device_token_lasts_longer(settings, display_device):
    from accounts.services import token_expires_at, token_issue

    settings.DEVICE_TOKEN_HOURS = 720
    token = token_issue(user=display_device)
    assert token_expires_at(token) - token.created == timedelta(hours=720)


def test_revoking_one_users_token(operator, supervisor, secadmin):
    from accounts.services import token_revoke

    mine, theirs = token_for("operator")["token"], token_for("supervisor")["token"]
    assert call(mine).status_code == 200
    token_revoke(user=operator, actor=secadmin)
    assert call(mine).status_code == 401
    assert call(theirs).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert event.actor == secadmin and event.target_id == str(operator.pk)


def test_revoking_all_tokens_from_the_security_page(operator, supervisor, secadmin):
    keys = [token_for("operator")["token"], token_for("supervisor")["token"]]
    page = Client()
    page.force_login(secadmin)
    assert "全部吊销" in page.get("/account/security/").content.decode()
    page.post("/account/security/", {"action": "revoke_all"})
    assert all(call(key).status_code == 401 for key in keys)
    assert not Token.objects.exists()


def test_revoke_from_the_security_page_for_one_user(operator, secadmin):
    key = token_for("operator")["token"]
    page = Client()
    page.force_login(secadmin)
    page.post("/account/security/", {"action": "revoke", "user": operator.pk})
    assert call(key).status_code == 401


def test_the_management_command(operator, supervisor, capsys):
    token_for("operator"), token_for("supervisor")
    call_command("revoke_tokens", "operator")
    assert list(Token.objects.values_list("user__username", flat=True)) == ["supervisor"]
    call_command("revoke_tokens", "--all")
    assert not Token.objects.exists()
    with pytest.raises(CommandError, match="不存在"):
        call_command("revoke_tokens", "nobody")
    with pytest.raises(CommandError, match="二者取其一"):
        call_command("revoke_tokens")


def test_another_process_forgets_a_revoked_token_within_a_second(operator, monkeypatch, committed):
    """Another process: its remembered token survives the delete (no signal there) until it
    reads the new epoch from the shared cache."""
    key = token_for("operator")["token"]
    assert call(key).status_code == 200
    remembered = dict(cached._recent)
    from accounts.services import token_revoke

    with committed():
        token_revoke(user=operator, actor=None)
    cached._recent.update(remembered)  # as in a process that did not see the delete
    monkeypatch.setattr(authentication, "EPOCH_CHECK_SECONDS", 0.0)
    assert call(key).status_code == 401


def test_an_expired_device_token_no_longer_pairs_the_display(settings, display_device):
    from accounts.services import token_issue

    key = token_issue(user=display_device).key
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(hours=settings.DEVICE_TOKEN_HOURS + 1))
    r = Client().post("/display/pair/", {"token": key})
    assert r.status_code == 400 and "令牌无效" in r.content.decode()
    Token.objects.filter(key=key).update(created=timezone.now())
    assert Client().post("/display/pair/", {"token": key}).status_code == 302
