"""The hash chain over the audit trail: audit_seal extends it (a beat task every few minutes),
audit_verify recomputes it from the rows still in the database and the archive files.

Seal k covers the ids (seal k-1's last_id, last_id]: every row ever written with such an id,
whether still in the table or moved to an archive file, as archive.line() writes it. So a row
changed, removed or slipped in afterwards, by whatever means (a DBA can bypass the trigger),
changes that seal's recomputed hash."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from .archive import FIELDS, line
from .models import AuditArchive, AuditEvent, AuditSeal

log = logging.getLogger("audit.seal")
GENESIS = "0" * 64
# Only rows at least this old are sealed: a row whose transaction is still open when its
# neighbours are sealed would otherwise look slipped in later.
SEAL_LAG = dt.timedelta(seconds=60)
MAX_ROWS = 10_000  # per seal


def _hash(prev_hash: str, lines: Iterator[bytes]) -> tuple[str, int]:
    digest, count = hashlib.sha256(prev_hash.encode()), 0
    for data in lines:
        digest.update(data)
        count += 1
    return digest.hexdigest(), count


def audit_seal(*, now: dt.datetime | None = None) -> list[AuditSeal]:
    """Seal every row old enough, up to the first that is not (MAX_ROWS per seal)."""
    cutoff = (now or timezone.now()) - SEAL_LAG
    seals = []
    while True:
        last = AuditSeal.objects.order_by("-id").first()
        after, prev_hash = (last.last_id, last.hash) if last else (0, GENESIS)
        pending = AuditEvent.objects.filter(id__gt=after)
        young = pending.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        old = pending.filter(id__lt=young) if young else pending
        ids = list(old.order_by("id").values_list("id", flat=True)[:MAX_ROWS])
        if not ids:
            return seals
        rows = AuditEvent.objects.filter(id__gt=after, id__lte=ids[-1]).order_by("id").values(*FIELDS)
        digest, count = _hash(prev_hash, (line(r) for r in rows.iterator(chunk_size=2000)))
        try:
            with transaction.atomic():
                seal = AuditSeal.objects.create(first_id=after + 1, last_id=ids[-1], count=count,
                                                prev_hash=prev_hash, hash=digest)
        except IntegrityError:  # another run sealed this stretch first
            return seals
        log.info("audit seal %s ids %s-%s rows %s hash %s", seal.pk, seal.first_id, seal.last_id, count, digest)
        seals.append(seal)


class _ArchivedLines:
    """The archived rows' lines by id, one archive file in memory at a time."""

    def __init__(self):
        self.path, self.lines = None, {}

    def between(self, first: int, last: int) -> dict[int, bytes]:
        found = {}
        for archive in AuditArchive.objects.filter(first_id__lte=last, last_id__gte=first).order_by("first_id"):
            if self.path != archive.path:
                path = Path(archive.path)
                if not path.exists():
                    raise FileNotFoundError(f"归档文件缺失：{archive.path}")
                self.path = archive.path
                self.lines = {json.loads(raw)["id"]: raw for raw in gzip.decompress(path.read_bytes()).splitlines(True)}
            found.update({i: raw for i, raw in self.lines.items() if first <= i <= last})
        return found


def audit_verify() -> tuple[int, list[str]]:
    """(seals checked, problems): each problem names the seal and the ids it covers."""
    problems, prev, checked, archived = [], GENESIS, 0, _ArchivedLines()
    for seal in AuditSeal.objects.order_by("id").iterator():
        checked += 1
        where = f"封存 #{seal.pk}（编号 {seal.first_id}–{seal.last_id}）"
        if seal.prev_hash != prev:
            problems.append(f"{where}：与上一环不相连（封存记录被改动或删除）")
        rows = {r["id"]: line(r) for r in AuditEvent.objects.filter(
            id__gte=seal.first_id, id__lte=seal.last_id).values(*FIELDS)}
        try:
            from_files = archived.between(seal.first_id, seal.last_id)
        except FileNotFoundError as exc:
            problems.append(f"{where}：{exc}")
            prev = seal.hash
            continue
        merged = {**from_files, **rows}
        digest, count = _hash(seal.prev_hash, (merged[i] for i in sorted(merged)))
        if (digest, count) != (seal.hash, seal.count):
            problems.append(f"{where}：记录与封存时不符（应 {seal.count} 条，现 {count} 条；记录被改动、删除或插入）")
        prev = seal.hash
    return checked, problems
