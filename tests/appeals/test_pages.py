"""The appeal pages: the unit's button and form, the centre's list with lights and its ruling;
who may see what."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appeals.models import Appeal
from appeals.services import appeal_file
from audit.models import AuditEvent
from tests import factories as f

from .conftest import dissatisfied, satisfied

REASON = "市民诉求超出政策范围，已按规定答复"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_unit_sees_the_button_and_files_from_the_form(client, people):
    ticket = dissatisfied(people)
    client.force_login(people["staff_a"])
    page = client.get(f"/unit/tickets/{ticket.pk}/").content.decode()
    assert 'id="btn-appeal-dissatisfied"' in page and "btn-appeal-overdue" not in page
    response = client.post(f"/appeals/new/{ticket.pk}/", {
        "kind": "dissatisfied", "reason": REASON,
        "files": [SimpleUploadedFile("录音说明.png", PNG, content_type="image/png")]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appeals/{appeal.pk}/"
    detail = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert REASON in detail and "待裁定" in detail and "ruling-form" not in detail
    # the button is gone once appealed; the appeal is listed on the ticket instead
    page = client.get(f"/unit/tickets/{ticket.pk}/").content.decode()
    assert "btn-appeal-dissatisfied" not in page and f"/appeals/{appeal.pk}/" in page
    download = client.get(f"/appeals/files/{appeal.attachments.get().pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="downloaded").exists()


def test_form_without_reason_shows_the_error_and_keeps_nothing(client, people):
    ticket = dissatisfied(people)
    client.force_login(people["staff_a"])
    page = client.post(f"/appeals/new/{ticket.pk}/", {"kind": "dissatisfied", "reason": ""}).content.decode()
    assert "申诉理由不能为空" in page and not Appeal.objects.exists()


def test_no_button_on_a_satisfied_ticket(client, people):
    ticket = satisfied(people)
    client.force_login(people["staff_a"])
    assert "btn-appeal" not in client.get(f"/unit/tickets/{ticket.pk}/").content.decode()


def test_outsider_and_other_units(client, people):
    ticket = dissatisfied(people)
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)
    client.force_login(people["outsider"])
    assert client.get(f"/appeals/new/{ticket.pk}/").status_code == 404
    assert client.get(f"/appeals/{appeal.pk}/").status_code == 404
    assert f"/appeals/{appeal.pk}/" not in client.get("/appeals/").content.decode()
    client.force_login(people["leader"])  # leaders: appeals are the centre's and the units' business
    assert client.get("/appeals/").status_code == 403
    assert client.get(f"/appeals/{appeal.pk}/").status_code == 403
    client.force_login(people["staff_a"])  # the unit cannot rule
    assert client.post(f"/appeals/{appeal.pk}/", {"decision": "uphold", "note": "成立"}).status_code == 403
    assert Appeal.objects.get(pk=appeal.pk).state == "pending"


def test_supervisor_upholds_on_the_page(client, people):
    ticket = dissatisfied(people)
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)
    client.force_login(people["supervisor"])
    assert f"/appeals/{appeal.pk}/" in client.get("/appeals/").content.decode()
    page = client.post(f"/appeals/{appeal.pk}/", {"decision": "reject", "note": ""}).content.decode()
    assert "驳回理由不能为空" in page
    client.post(f"/appeals/{appeal.pk}/", {"decision": "uphold", "note": "录音证实"})
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "申诉成立" in page and "录音证实" in page and "ruling-form" not in page
    # a second ruling (a stale page) is refused with a message
    page = client.post(f"/appeals/{appeal.pk}/", {"decision": "reject", "note": "驳回"}).content.decode()
    assert "不能重复裁定" in page
    assert Appeal.objects.get(pk=appeal.pk).state == "upheld"


@pytest.mark.parametrize("due_in,warn_in,light", [
    (dt.timedelta(days=3), dt.timedelta(days=2), "green"),
    (dt.timedelta(hours=3), -dt.timedelta(hours=1), "yellow"),
    (-dt.timedelta(hours=1), -dt.timedelta(days=1), "red"),
])
def test_list_lights(client, people, due_in, warn_in, light):
    ticket = dissatisfied(people)
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(ruling_due_at=now + due_in, ruling_warn_at=now + warn_in)
    client.force_login(people["supervisor"])
    page = client.get("/appeals/").content.decode()
    assert f'id="appeal-{appeal.pk}" data-light="{light}"' in page
    assert f"appeal-{appeal.pk}" in client.get(f"/appeals/?light={light}").content.decode()
    other = {"green": "red", "yellow": "green", "red": "yellow"}[light]
    assert f"appeal-{appeal.pk}" not in client.get(f"/appeals/?light={other}").content.decode()


def test_ruling_deadline_in_working_days(people, settings):
    from appeals.rules import ruling_deadlines
    from dispatch.calendar import WorkCalendar
    settings.APPEAL_RULING_WORKING_DAYS = 2
    friday = dt.datetime(2026, 12, 4, 10, 0, tzinfo=timezone.get_current_timezone())
    due, warn = ruling_deadlines(friday)
    expected = WorkCalendar(friday.date()).nth_workday_after(friday.date(), 2)
    assert timezone.localtime(due).date() == expected  # Tuesday 8 December: the weekend does not count
    assert warn < due


def test_unit_list_shows_only_its_own(client, people):
    ticket = dissatisfied(people)
    appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)
    client.force_login(people["staff_b"])
    assert "没有申诉" in client.get("/appeals/").content.decode()
    client.force_login(people["staff_a"])
    assert ticket.number in client.get("/appeals/").content.decode()
    assert f.fresh(ticket).number
