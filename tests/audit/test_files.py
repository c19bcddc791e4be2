"""Every export and every download leaves an audit row naming the file, the filter and the rows."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditAction, AuditEvent
from dispatch import timers
from dispatch.models import Attachment, SupervisionNotice
from tests import factories as f

from ..live.helpers import dispatched

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(user)
    return client


def test_a_report_export_names_its_filter_file_and_rows(supervisor, unit_a):
    response = signed_in(supervisor).get("/reports/export.csv?report=ranking&start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200
    [row] = AuditEvent.objects.filter(action=AuditAction.EXPORTED)
    assert (row.actor_id, row.ip, row.succeeded) == (supervisor.pk, "10.0.0.7", True)
    assert row.detail["file"] == "单位排名_20261101-20261130.csv" and row.detail["path"] == "/reports/export.csv"
    assert row.detail["params"] == {"report": "ranking", "start": "2026-11-01", "end": "2026-11-30"}
    assert row.detail["rows"] == len(response.content.decode("utf-8-sig").strip().splitlines()) - 1


def test_a_knowledge_export_is_recorded_with_its_state_filter(supervisor):
    assert signed_in(supervisor).get("/knowledge/export.xlsx?state=published").status_code == 200
    [row] = AuditEvent.objects.filter(action=AuditAction.EXPORTED)
    assert row.detail["file"] == "知识点.xlsx" and row.detail["params"] == {"state": "published"}
    assert row.detail["rows"] == 0


def test_a_refused_export_leaves_no_export_row(staff_a):
    signed_in(staff_a).get("/knowledge/export.pdf")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()


def test_an_attachment_download_names_the_ticket_and_file(people):
    ticket = f.dispatched(people)
    assignment = ticket.assignments.get(unit=people["staff_a"].unit)
    reply = ticket.replies.create(unit=people["staff_a"].unit, assignment=assignment,
                                  author=people["staff_a"], text="已处理")
    attachment = Attachment.objects.create(reply=reply, file=SimpleUploadedFile("现场照片.jpg", b"\xff\xd8"),
                                           name="现场照片.jpg", size=2)
    response = signed_in(people["supervisor"]).get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    [row] = AuditEvent.objects.filter(action=AuditAction.DOWNLOADED)
    assert (row.target_type, row.target_id, row.actor_id) == ("ticket", str(ticket.pk), people["supervisor"].pk)
    assert row.detail["file"] == "现场照片.jpg" and row.detail["attachment"] == attachment.pk
    # Someone who may not see the ticket gets 404 and no download row.
    assert signed_in(people["outsider"]).get(f"/attachments/{attachment.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOADED).count() == 1


def test_a_supervision_notice_pdf_download_is_recorded(operator, supervisor, unit_a, staff_a,
                                                        django_capture_on_commit_callbacks):
    ticket = dispatched(operator, supervisor, unit_a, title="幸福路路灯损坏")
    with django_capture_on_commit_callbacks(execute=True):
        timers.sweep_lights(now=ticket.due_at + dt.timedelta(days=3))
    notice = SupervisionNotice.objects.get(ticket=ticket)
    assert signed_in(staff_a).get(f"/tickets/{ticket.pk}/supervision-notices/{notice.pk}.pdf").status_code == 200
    [row] = AuditEvent.objects.filter(action=AuditAction.DOWNLOADED)
    assert row.target_id == str(ticket.pk) and row.detail["file"].endswith(f"-{notice.pk}.pdf")
