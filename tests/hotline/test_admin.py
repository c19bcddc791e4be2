"""The admin: configuration pages in Chinese, the event log read-only."""
import pytest
from django.urls import reverse

from dispatch.models import TimeLimitPolicy
from hotline.models import TicketEvent, User
from tests import factories as f

pytestmark = pytest.mark.django_db

CONFIG = ["hotline_unit", "hotline_user", "hotline_category", "dispatch_timelimitpolicy",
          "dispatch_approvalpolicy", "dispatch_calendaroverride", "dispatch_replyreviewpolicy"]


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root", password="pass-12345", role="admin")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", CONFIG)
def test_configuration_pages_open_in_chinese(admin_client, model, people):
    for page in ("changelist", "add"):
        response = admin_client.get(reverse(f"admin:{model}_{page}"))
        assert response.status_code == 200
        assert "lang=\"zh-hans\"" in response.content.decode()


def test_admin_index_names_the_product(admin_client):
    text = admin_client.get("/admin/").content.decode()
    for label in ("12345 政务服务便民热线 管理后台", "承办单位", "办理时限", "领导审批规则", "节假日调整", "工单事件"):
        assert label in text


def test_events_are_read_only(admin_client, people):
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


def test_unit_staff_needs_a_unit(admin_client):
    response = admin_client.post(reverse("admin:hotline_user_add"), {
        "username": "newbie", "password1": "x-Long-pass-9876", "password2": "x-Long-pass-9876",
        "usable_password": "true", "role": "unit_staff"})
    assert "承办单位的工作人员须选择所属单位" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
