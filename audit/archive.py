"""Retention and archiving of the audit trail (docs/SECURITY-audit.md).

Rows older than AUDIT_RETENTION_DAYS (never under 180) are written to gzip'd JSON-lines files
with a manifest, read back and checked, and only then removed: through the role
hotline_audit_archiver, the one role the PostgreSQL trigger lets delete audit rows, and only rows
an AuditArchive row (written in the same transaction) covers. Nothing is dropped unarchived."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone

from .models import AuditAction, AuditArchive, AuditEvent
from .services import audit_record

MIN_RETENTION_DAYS = 180
ARCHIVER_ROLE = "hotline_audit_archiver"
FIELDS = ["id", "at", "action", "actor_id", "actor_label", "actor_role", "target_type", "target_id",
          "target_label", "ip", "user_agent", "request_id", "succeeded", "detail"]


class ArchiveError(Exception):
    """The archive cannot proceed; the message says why and what to do (nothing was removed)."""


def retention_days(days: int | None = None) -> int:
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days < MIN_RETENTION_DAYS:
        raise ArchiveError(f"审计记录至少保留 {MIN_RETENTION_DAYS} 天（{days} 天过短），未归档任何记录")
    return days


def maintenance_alias() -> str:
    return "audit_maintenance" if "audit_maintenance" in settings.DATABASES else "default"


def line(row: dict) -> bytes:
    """One row as the archive holds it: sorted keys, so the same row is always the same bytes."""
    return json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode() + b"\n"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _may_delete(alias: str) -> None:
    """Fail before any file is written when this connection cannot become the archiver role."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {ARCHIVER_ROLE}")
            cursor.execute("RESET ROLE")  # inside an outer transaction SET LOCAL outlives this block
    except Exception as exc:  # permission denied / role missing
        raise ArchiveError(
            f"此数据库连接不能以 {ARCHIVER_ROLE} 身份删除已归档的审计记录（{exc}）。请设置 "
            f"AUDIT_MAINTENANCE_DATABASE_URL 为该角色成员的登录，见 docs/SECURITY-audit.md；未删除任何记录") from exc


def write_file(*, rows, directory: Path) -> dict:
    """Write `rows` (dicts, by id) to a .jsonl.gz file, return its manifest (also saved beside it)."""
    directory.mkdir(parents=True, exist_ok=True)
    content, count, first, last = hashlib.sha256(), 0, None, None
    partial = directory / f".partial-{os.getpid()}.jsonl.gz"
    with gzip.open(partial, "wb") as out:
        for row in rows:
            data = line(row)
            out.write(data)
            content.update(data)
            count += 1
            first = row["id"] if first is None else first
            last = row["id"]
    path = directory / f"audit-{first:012d}-{last:012d}.jsonl.gz"
    partial.replace(path)
    manifest = {"file": path.name, "count": count, "first_id": first, "last_id": last,
                "sha256": _sha256(path), "content_sha256": content.hexdigest(),
                "written_at": timezone.now().isoformat()}
    manifest_path = path.with_name(path.name.replace(".jsonl.gz", ".manifest.json"))
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def verify_file(path: Path, manifest: dict | None = None) -> dict:
    """Read an archive file back against its manifest; raise ArchiveError on any difference."""
    if manifest is None:
        manifest_path = path.with_name(path.name.replace(".jsonl.gz", ".manifest.json"))
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if _sha256(path) != manifest["sha256"]:
        raise ArchiveError(f"{path.name}：文件的 SHA-256 与清单不符")
    content, count, ids = hashlib.sha256(), 0, []
    with gzip.open(path, "rb") as f:
        for raw in f:
            content.update(raw)
            ids.append(json.loads(raw)["id"])
            count += 1
    if (count, content.hexdigest()) != (manifest["count"], manifest["content_sha256"]):
        raise ArchiveError(f"{path.name}：条数或内容与清单不符")
    if (ids and (ids[0], ids[-1]) != (manifest["first_id"], manifest["last_id"])) or ids != sorted(set(ids)):
        raise ArchiveError(f"{path.name}：记录编号与清单不符")
    return manifest


def audit_archive(*, days: int | None = None, now: dt.datetime | None = None,
                  directory: Path | None = None, file_rows: int | None = None) -> list[AuditArchive]:
    """Archive every audit row older than the retention, one file per `file_rows` rows.
    Returns the AuditArchive rows written (empty when nothing was old enough)."""
    days = retention_days(days)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    directory = Path(directory or settings.AUDIT_ARCHIVE_DIR)
    file_rows = file_rows or settings.AUDIT_ARCHIVE_FILE_ROWS
    alias = maintenance_alias()
    old = AuditEvent.objects.using(alias).filter(at__lt=cutoff)
    if not old.exists():
        return []
    _may_delete(alias)
    from .seal import audit_seal

    audit_seal()  # the rows about to leave are chained first, so audit_verify still covers them
    archives = []
    while True:
        ids = list(old.order_by("id").values_list("id", flat=True)[:file_rows])
        if not ids:
            return archives
        chosen = old.filter(id__gte=ids[0], id__lte=ids[-1]).order_by("id")
        manifest = write_file(rows=chosen.values(*FIELDS).iterator(chunk_size=2000), directory=directory)
        path = directory / manifest["file"]
        verify_file(path, manifest)
        archives.append(_remove_archived(alias=alias, manifest=manifest, path=path, cutoff=cutoff))


def _remove_archived(*, alias: str, manifest: dict, path: Path, cutoff: dt.datetime) -> AuditArchive:
    connection = connections[alias]
    with transaction.atomic(using=alias):
        archive = AuditArchive.objects.using(alias).create(
            first_id=manifest["first_id"], last_id=manifest["last_id"], count=manifest["count"],
            cutoff=cutoff, path=str(path), sha256=manifest["sha256"])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL ROLE {ARCHIVER_ROLE}")
            cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s AND id <= %s AND at < %s",
                           [manifest["first_id"], manifest["last_id"], cutoff])
            removed = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("RESET ROLE")
        if removed != manifest["count"]:  # rolls back: the file stays, the rows too
            raise ArchiveError(f"{path.name}：应删除 {manifest['count']} 条，实际 {removed} 条；已回滚")
        audit_record(action=AuditAction.ARCHIVED, target=archive, actor_label="audit_archive", using=alias,
                     detail={"file": manifest["file"], "rows": manifest["count"], "first_id": manifest["first_id"],
                             "last_id": manifest["last_id"], "sha256": manifest["sha256"],
                             "cutoff": cutoff.isoformat()})
    return archive
