"""audit_archive: rows past the retention go to a verifiable compressed file, and only they
leave the database; the retention is never under 180 days."""
import datetime as dt
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.archive import ArchiveError, audit_archive, verify_file
from audit.models import AuditAction, AuditArchive, AuditEvent
from audit.services import audit_record
from tests.history import rewriting_history

pytestmark = pytest.mark.django_db


def aged(days: int, label: str) -> AuditEvent:
    event = audit_record(action=AuditAction.LOGIN, actor_label=label, detail={"path": "/login/"})
    with rewriting_history():
        AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(days=days))
    return event


def test_old_rows_go_to_a_verified_file_and_only_they_are_removed(tmp_path):
    old = [aged(400, "alice"), aged(200, "bob"), aged(181, "carol")]
    kept = [aged(179, "dave"), aged(1, "erin")]
    [archive] = audit_archive(directory=tmp_path)

    assert (archive.first_id, archive.last_id, archive.count) == (old[0].pk, old[-1].pk, 3)
    assert set(AuditEvent.objects.exclude(action=AuditAction.ARCHIVED).values_list("pk", flat=True)) == {
        e.pk for e in kept}
    [file] = tmp_path.glob("*.jsonl.gz")
    manifest = json.loads(file.with_name(file.name.replace(".jsonl.gz", ".manifest.json")).read_text())
    assert (manifest["count"], manifest["first_id"], manifest["last_id"]) == (3, old[0].pk, old[-1].pk)
    assert manifest["sha256"] == archive.sha256 and verify_file(file) == manifest
    lines = [json.loads(raw) for raw in gzip.decompress(file.read_bytes()).splitlines()]
    assert [row["actor_label"] for row in lines] == ["alice", "bob", "carol"]
    assert lines[0]["detail"] == {"path": "/login/"} and lines[0]["action"] == "login"
    [record] = AuditEvent.objects.filter(action=AuditAction.ARCHIVED)
    assert (record.target_type, record.target_id) == ("auditarchive", str(archive.pk))
    assert record.detail["rows"] == 3 and record.detail["sha256"] == archive.sha256
    assert audit_archive(directory=tmp_path) == []  # nothing more is old enough


def test_a_tampered_file_fails_verification(tmp_path):
    aged(300, "alice")
    [archive] = audit_archive(directory=tmp_path)
    [file] = tmp_path.glob("*.jsonl.gz")
    file.write_bytes(gzip.compress(b'{"id": 1}\n'))
    with pytest.raises(ArchiveError, match="SHA-256"):
        verify_file(file)
    assert AuditArchive.objects.get() == archive


def test_large_runs_are_split_into_files(tmp_path):
    for n in range(5):
        aged(200, f"user{n}")
    archives = audit_archive(directory=tmp_path, file_rows=2)
    assert [a.count for a in archives] == [2, 2, 1] and len(list(tmp_path.glob("*.jsonl.gz"))) == 3


@pytest.mark.parametrize("days", [179, 30, 0])
def test_a_retention_under_180_days_is_refused_and_nothing_moves(tmp_path, settings, days):
    aged(400, "alice")
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("audit_archive", days=days, dir=tmp_path)
    settings.AUDIT_RETENTION_DAYS = days
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("audit_archive", dir=tmp_path)
    assert AuditEvent.objects.filter(actor_label="alice").exists() and not list(tmp_path.iterdir())


def test_the_system_check_refuses_a_short_retention(settings):
    from audit.checks import retention_at_least_180_days

    settings.AUDIT_RETENTION_DAYS = 90
    [error] = retention_at_least_180_days(None)
    assert error.id == "audit.E001" and "180" in error.msg
    settings.AUDIT_RETENTION_DAYS = 365
    assert retention_at_least_180_days(None) == []


def test_the_command_reports_what_it_archived(tmp_path, capsys):
    aged(365, "alice")
    call_command("audit_archive", dir=tmp_path)
    assert "已归档 1 条" in capsys.readouterr().out


@pytest.mark.integration
def test_on_postgresql_only_the_archiver_role_removes_and_only_archived_rows(tmp_path):
    from django.db import DatabaseError, transaction

    assert connection.vendor == "postgresql"
    old, young = aged(300, "alice"), aged(10, "bob")
    [archive] = audit_archive(directory=tmp_path)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    # Even the archiver cannot remove a row no archive covers …
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE hotline_audit_archiver")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
    # … nor rewrite an archive's manifest row.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditarchive SET count = 0 WHERE id = %s", [archive.pk])
    assert AuditEvent.objects.filter(pk=young.pk).exists()



@pytest.mark.integration
def test_a_login_that_is_not_a_member_cannot_become_the_archiver(db):
    """The application's own role in production (not a member of hotline_audit_archiver) cannot
    take the archive's deletion path. A superuser session could (SET ROLE checks the session
    user), which is why production must not connect as one."""
    import psycopg

    s = connection.settings_dict
    admin = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                            password=s.get("PASSWORD") or None, dbname=s["NAME"], autocommit=True)
    probe = "hotline_trail_app_probe"
    try:
        admin.execute(f"DROP ROLE IF EXISTS {probe}")
        admin.execute(f"CREATE ROLE {probe} LOGIN")
        with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=probe,
                             dbname=s["NAME"]) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("SET ROLE hotline_audit_archiver")
    finally:
        admin.execute(f"DROP ROLE IF EXISTS {probe}")
        admin.close()
