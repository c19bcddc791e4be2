"""Every sign-in, sign-out and failed attempt leaves an audit row, on each path: the staff
login page, the admin login page and the API token."""
import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    return make_user("clerk", "operator", display_name="话务员小王", is_staff=True)


def rows(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# The admin site lets in only its administrators (三员分立): a system administrator signs in there.
@pytest.mark.parametrize(("path", "role"), [("/login/", "operator"), ("/admin/login/", "sysadmin")])
def test_a_page_login_its_failure_and_the_logout_are_recorded(db, path, role):
    clerk = make_user("clerk", role, display_name="小王", is_staff=True)
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox/140")
    client.post(path, {"username": "clerk", "password": "wrong-password-9"})
    [failed] = rows(AuditAction.LOGIN_FAILED)
    assert (failed.actor_label, failed.succeeded, failed.ip, failed.actor_id) == ("clerk", False, "10.1.2.3", None)
    assert failed.detail == {"path": path} and "wrong-password-9" not in str(failed.detail)

    client.post(path, {"username": "clerk", "password": "pass-12345"})
    [login] = rows(AuditAction.LOGIN)
    assert (login.actor_id, login.actor_label, login.actor_role, login.ip) == (clerk.pk, "clerk", role, "10.1.2.3")
    assert login.user_agent == "Firefox/140" and login.detail == {"path": path} and login.succeeded

    client.post("/admin/logout/" if path.startswith("/admin/") else "/logout/")
    [logout] = rows(AuditAction.LOGOUT)
    assert (logout.actor_id, logout.detail) == (clerk.pk, {"path": logout.detail["path"]})
    assert logout.detail["path"].endswith("logout/")


def test_an_unknown_username_is_recorded_as_typed(db):
    Client().post("/login/", {"username": "nobody", "password": "x"})
    [failed] = rows(AuditAction.LOGIN_FAILED)
    assert failed.actor_label == "nobody" and failed.actor_id is None


def test_the_api_token_records_its_sign_in_and_its_failure(clerk):
    api = APIClient(REMOTE_ADDR="10.9.9.9")
    assert api.post("/api/auth/token/", {"username": "clerk", "password": "nope"}, format="json").status_code == 401
    [failed] = rows(AuditAction.LOGIN_FAILED)
    assert (failed.actor_label, failed.ip, failed.detail) == ("clerk", "10.9.9.9", {"path": "/api/auth/token/"})
    assert "nope" not in str(failed.detail)

    assert api.post("/api/auth/token/", {"username": "clerk", "password": "pass-12345"},
                    format="json").status_code == 200
    [login] = rows(AuditAction.LOGIN)
    assert (login.actor_id, login.detail) == (clerk.pk, {"path": "/api/auth/token/"})
