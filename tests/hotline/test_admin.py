"""The admin: configuration pages in Chinese (the system administrator's), the event log
read-only (the centre's administrator's). Who opens which page: tests/hotline/test_duties.py."""
import pytest
from django.urls import reverse

from dispatch.models import TimeLimitPolicy
from hotline.models import Role, TicketEvent, User
from tests import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CONFIG = ["hotline_unit", "hotline_user", "hotline_category", "dispatch_timelimitpolicy",
          "dispatch_approvalpolicy", "dispatch_calendaroverride", "dispatch_replyreviewpolicy"]


@pytest.fixture
def admin_client(client, db):
    """The system administrator: configuration and accounts."""
    client.force_login(make_user("sysadmin", Role.SYSADMIN))
    return client


@pytest.fixture
def centre_client(client, db):
    """中心管理员: the centre's business records."""
    client.force_login(make_user("centre", Role.ADMIN))
    return client


@pytest.mark.parametrize("model", CONFIG)
def test_configuration_pages_open_in_chinese(admin_client, model, people):
    for page in ("changelist", "add"):
        response = admin_client.get(reverse(f"admin:{model}_{page}"))
        assert response.status_code == 200
        assert "lang=\"zh-hans\"" in response.content.decode()


def test_admin_index_names_the_product(admin_client):
    text = admin_client.get("/admin/").content.decode()
    for label in ("12345 政务服务便民热线 管理后台", "承办单位", "办理时限", "领导审批规则", "节假日调整"):
        assert label in text
    assert "工单事件" not in text  # the centre's records, not the system administrator's
    admin_client.force_login(make_user("centre", Role.ADMIN))
    assert "工单事件" in admin_client.get("/admin/").content.decode()


def test_events_are_read_only(centre_client, people):
    admin_client = centre_client
    ticket = f.registered(people)
    event = TicketEvent.objects.get(ticket=ticket)
    assert admin_client.get(reverse("admin:hotline_ticketevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:hotline_ticketevent_add")).status_code == 403
    change = reverse("admin:hotline_ticketevent_change", args=[event.pk])
    page = admin_client.get(change).content.decode()
    assert 'name="kind"' not in page and "register" in page
    admin_client.post(change, {"kind": "tampered"})
    assert admin_client.post(reverse("admin:hotline_ticketevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.kind == "register"


def test_time_limit_policy_is_checked(admin_client):
    response = admin_client.post(reverse("admin:dispatch_timelimitpolicy_add"), {
        "name": "坏规则", "limit_unit": "working_days", "handle_limit": 3, "sign_limit": 5,
        "callback_limit_days": 1, "warn_share": "1.5"})
    text = response.content.decode()
    assert response.status_code == 200 and "签收时限不能长于办理时限" in text and "黄灯比例" in text
    assert not TimeLimitPolicy.objects.filter(name="坏规则").exists()


def test_unit_staff_needs_a_unit(client, db):
    # The bootstrap superuser's form is the one that creates an account with a role.
    client.force_login(User.objects.create_superuser("root", password="pass-12345"))
    response = client.post(reverse("admin:hotline_user_add"), {
        "username": "newbie", "password1": "x-Long-pass-9876", "password2": "x-Long-pass-9876",
        "usable_password": "true", "role": "unit_staff"})
    assert "承办单位的工作人员须选择所属单位" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
