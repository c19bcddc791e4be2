"""The people of authentication: the security administrator told of locks, and clients."""
import pytest
from django.test import Client

from hotline.models import Role
from tests.conftest import make_user

PASSWORD = "pass-12345"  # tests/conftest.make_user's


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    """Five wrong passwords in a row reach the lock; test_backoff sets its own delay."""
    settings.LOGIN_BACKOFF_SECONDS = 0


@pytest.fixture
def secadmin(db):
    return make_user("secadmin", Role.SECADMIN, display_name="安全管理员老周", phone="13900000077")


@pytest.fixture
def client():
    return Client()


def wrong_logins(client, username: str, times: int, path: str = "/login/"):
    return [client.post(path, {"username": username, "password": "wrong-password"}) for _ in range(times)]
