"""Idle timeout and absolute lifetime of staff sessions; the display wall stays signed in."""
import time

import pytest
from django.test import Client

from accounts import sessions
from audit.models import AuditAction, AuditEvent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_idle_staff_session_ends_at_the_login_page_with_a_notice(operator):
    client = signed_in("operator")
    age(client, sessions.SEEN_AT, 31 * 60)
    r = client.get("/console/")
    assert r.status_code == 302 and r["Location"] == "/login/?expired=idle&next=%2Fconsole%2F"
    assert "您已长时间未操作，登录已超时，请重新登录" in client.get(r["Location"]).content.decode()
    assert client.get("/console/").status_code == 302  # signed out for good
    event = AuditEvent.objects.get(action=AuditAction.SESSION_EXPIRED)
    assert event.actor == operator and event.detail == {"reason": "idle"}


def test_activity_keeps_the_session(settings, operator):
    settings.SESSION_IDLE_MINUTES = 5
    client = signed_in("operator")
    age(client, sessions.SEEN_AT, 4 * 60)
    assert client.get("/console/").status_code == 200
    age(client, sessions.LOGIN_AT, 60 * 60)  # an hour in, but just active
    assert client.get("/console/").status_code == 200


def test_background_refresh_is_not_activity(supervisor):
    client = signed_in("supervisor")
    age(client, sessions.SEEN_AT, 29 * 60)
    assert client.get("/board/?part=review", HTTP_X_HOTLINE_BACKGROUND="1", HTTP_HX_REQUEST="true") \
        .status_code == 200
    assert time.time() - client.session[sessions.SEEN_AT] > 28 * 60  # not refreshed by it
    age(client, sessions.SEEN_AT, 31 * 60)
    r = client.get("/board/?part=review", HTTP_X_HOTLINE_BACKGROUND="1", HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"].startswith("/login/?expired=idle")


def test_absolute_lifetime_ends_even_an_active_session(settings, operator):
    settings.SESSION_MAX_HOURS = 2
    client = signed_in("operator")
    age(client, sessions.LOGIN_AT, 2 * 3600 + 1)
    r = client.get("/console/")
    assert r["Location"].startswith("/login/?expired=absolute")
    assert "登录已超过最长时限" in client.get(r["Location"]).content.decode()


def test_an_expired_session_calling_the_api_is_unauthenticated(operator):
    client = signed_in("operator")
    age(client, sessions.SEEN_AT, 31 * 60)
    assert client.get("/api/tickets/").status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED).count() == 1


def test_the_display_wall_is_not_logged_out_by_idleness_or_age(display_device):
    client = Client()
    client.force_login(display_device)
    age(client, sessions.SEEN_AT, 3 * 86400)
    age(client, sessions.LOGIN_AT, 3 * 86400)
    assert client.get("/display/").status_code == 200
    assert "_auth_user_id" in client.session
