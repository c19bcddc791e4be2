"""/audit/: the audit administrator searches the trail and exports it; nobody else gets in."""
import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from hotline.models import Role
from tests.conftest import make_user
from tests.history import rewriting_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR, display_name="审计员老周")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row(action, *, who="", ip=None, ok=True, target_id="", at=None):
    request = None
    if ip:
        from django.test import RequestFactory

        request = RequestFactory().get("/", REMOTE_ADDR=ip)
    event = audit_record(action=action, actor_label=who, request=request, succeeded=ok, target_type="ticket" if
                         target_id else "", target_id=target_id)
    if at is not None:  # auto_now_add: backdated the way tests may
        with rewriting_history():
            AuditEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def ids(response) -> list[int]:
    return [r.pk for r in response.context["rows"]]


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR])
def test_everyone_but_the_auditor_gets_403(role):
    user = make_user(f"u_{role}", role)
    for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx"):
        assert signed_in(user).get(url).status_code == 403


def test_the_bootstrap_superuser_gets_403_and_anonymous_goes_to_login(db):
    root = make_user("root", Role.OPERATOR, is_superuser=True, is_staff=True)
    assert signed_in(root).get("/audit/").status_code == 403
    assert Client().get("/audit/").url.startswith("/login/?next=/audit/")


def test_filters_each_narrow_the_rows(auditor):
    old = row(AuditAction.LOGIN, who="alice", ip="10.0.0.1", at=timezone.now() - dt.timedelta(days=3))
    failed = row(AuditAction.LOGIN_FAILED, who="mallory", ip="10.6.6.6", ok=False)
    download = row(AuditAction.DOWNLOADED, who="alice", ip="10.0.0.1", target_id="42")
    client = signed_in(auditor)
    page = client.get("/audit/")
    assert page.status_code == 200 and "审计记录" in page.content.decode()
    mine = AuditEvent.objects.filter(actor_label="auditor").values_list("pk", flat=True)  # its own sign-in
    assert [i for i in ids(page) if i not in mine] == [download.pk, failed.pk, old.pk]
    assert ids(client.get("/audit/?actor=alice")) == [download.pk, old.pk]
    own = client.get("/audit/?actor=auditor&action=login").content.decode()
    assert "审计管理员" in own  # the role as recorded, in Chinese
    assert ids(client.get("/audit/?action=login_failed")) == [failed.pk]
    assert ids(client.get("/audit/?succeeded=no")) == [failed.pk]
    assert ids(client.get("/audit/?ip=10.6.6.6")) == [failed.pk]
    assert ids(client.get("/audit/?target_type=ticket&target_id=42")) == [download.pk]
    day = timezone.localtime() - dt.timedelta(days=2)
    assert old.pk not in ids(client.get(f"/audit/?start={day:%Y-%m-%dT%H:%M}"))
    assert ids(client.get(f"/audit/?actor=alice&end={day:%Y-%m-%dT%H:%M}")) == [old.pk]


def test_bad_filters_are_told_clearly(auditor):
    client = signed_in(auditor)
    response = client.get("/audit/?ip=not-an-ip&start=yesterday&action=nope")
    html = response.content.decode()
    assert response.status_code == 400
    for message in ("来源地址应为 IPv4 或 IPv6 地址", "起始时间格式应为", "没有这种事件"):
        assert message in html
    assert "起始时间不能晚于结束时间" in client.get("/audit/?start=2026-12-02&end=2026-12-01").content.decode()


def test_pages_walk_back_by_id_without_gaps_or_repeats(auditor, settings):
    for n in range(120):
        row(AuditAction.EXPORTED, who=f"user{n}")
    client = signed_in(auditor)
    seen, url = [], "/audit/?action=exported"
    while url:
        response = client.get(url)
        seen += ids(response)
        before = response.context["next_before"]
        url = f"/audit/?action=exported&before={before}" if before else None
    assert len(seen) == 120 == len(set(seen)) and seen == sorted(seen, reverse=True)


def test_export_csv_and_xlsx_hold_the_filtered_rows_and_are_audited(auditor):
    row(AuditAction.LOGIN_FAILED, who="mallory", ok=False)
    row(AuditAction.LOGIN, who="=HYPERLINK(\"x\")")
    client = signed_in(auditor)
    response = client.get("/audit/export.csv?succeeded=no")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:4] == ["编号", "时间", "事件", "操作人"]
    assert [line[3] for line in lines[1:]] == ["mallory"] and lines[1][2] == "登录失败"
    [export] = AuditEvent.objects.filter(action=AuditAction.EXPORTED)
    assert (export.actor_id, export.detail["rows"], export.detail["params"]) == (auditor.pk, 1, {"succeeded": "no"})

    response = client.get("/audit/export.xlsx?action=login")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"x\")" in names  # a formula is written as text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED).count() == 2


def test_an_export_over_the_limit_is_refused_with_a_reason(auditor, settings):
    settings.AUDIT_EXPORT_MAX_ROWS = 2
    for n in range(3):
        row(AuditAction.LOGOUT, who=f"u{n}")
    response = signed_in(auditor).get("/audit/export.csv?action=logout")
    assert response.status_code == 400 and "超过 2 条" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()


def test_the_auditor_has_the_page_in_the_menu(auditor):
    assert '<a href="/audit/"' in signed_in(auditor).get("/audit/").content.decode()
