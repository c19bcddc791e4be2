"""bin/backup and bin/restore without PostgreSQL: checksums, refusals, SQLite copies, retention."""
import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ops import backup


def small_site(tmp_path: Path) -> tuple[backup.Database, Path]:
    """A SQLite database with a few tickets' rows and a media directory with an attachment."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    db_path = tmp_path / "site.sqlite3"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE hotline_ticket (id INTEGER PRIMARY KEY, title TEXT)")
        conn.executemany("INSERT INTO hotline_ticket (title) VALUES (?)", [("路灯不亮",), ("噪音扰民",)])
        conn.execute("CREATE TABLE hotline_ticketevent (id INTEGER PRIMARY KEY, kind TEXT)")
        conn.execute("INSERT INTO hotline_ticketevent (kind) VALUES ('register')")
    media = tmp_path / "media"
    (media / "attachments" / "1").mkdir(parents=True)
    (media / "attachments" / "1" / "现场照片.jpg").write_bytes(b"\xff\xd8\xff\xe0photo")
    (media / "supervision" / "2026").mkdir(parents=True)
    (media / "supervision" / "2026" / "督办通知书.pdf").write_bytes(b"%PDF-1.4 notice")
    return backup.Database("sqlite", str(db_path)), media


def test_a_backup_holds_the_database_the_media_a_manifest_and_checksums(tmp_path):
    database, media = small_site(tmp_path)

    made = backup.backup(root=tmp_path / "backups", database=database, media_root=media)

    assert made.name.startswith("hotline-") and not made.name.endswith(".partial")
    manifest = json.loads((made / "manifest.json").read_text())
    assert manifest["row_counts"] == {"hotline_ticket": 2, "hotline_ticketevent": 1}
    assert manifest["database"] == {"vendor": "sqlite", "name": "site.sqlite3", "dump": "database.sqlite3"}
    assert manifest["app_version"] and manifest["created_at"].endswith("+08:00")
    listed = {f["path"]: f["size"] for f in manifest["files"]}
    assert listed["media/attachments/1/现场照片.jpg"] == len(b"\xff\xd8\xff\xe0photo")
    assert "media/supervision/2026/督办通知书.pdf" in listed and "database.sqlite3" in listed
    sums = (made / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == len(listed) + 1 and any(line.endswith("  manifest.json") for line in sums)


def test_restore_gives_back_the_same_rows_and_files(tmp_path):
    database, media = small_site(tmp_path)
    made = backup.backup(root=tmp_path / "backups", database=database, media_root=media)
    target = tmp_path / "restored" / "hotline.sqlite3"

    call_command("restore", str(made), database_url=f"sqlite:///{target}", media_root=str(tmp_path / "new-media"))

    with sqlite3.connect(target) as conn:
        assert [r[0] for r in conn.execute("SELECT title FROM hotline_ticket ORDER BY id")] == ["路灯不亮", "噪音扰民"]
    assert (tmp_path / "new-media/attachments/1/现场照片.jpg").read_bytes() == b"\xff\xd8\xff\xe0photo"


def test_a_corrupted_backup_is_refused_with_the_file_named_and_nothing_touched(tmp_path):
    database, media = small_site(tmp_path)
    made = backup.backup(root=tmp_path / "backups", database=database, media_root=media)
    photo = made / "media/attachments/1/现场照片.jpg"
    photo.write_bytes(b"\x00" + photo.read_bytes()[1:])  # one byte flipped on the backup disk
    target, new_media = tmp_path / "restored.sqlite3", tmp_path / "new-media"

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(made), database_url=f"sqlite:///{target}", media_root=str(new_media))

    assert "现场照片.jpg" in str(refused.value) and "sha256" in str(refused.value)
    assert "未做任何改动" in str(refused.value)
    assert not target.exists() and not new_media.exists()


def test_a_backup_with_a_missing_file_is_refused(tmp_path):
    database, media = small_site(tmp_path)
    made = backup.backup(root=tmp_path / "backups", database=database, media_root=media)
    (made / "media/supervision/2026/督办通知书.pdf").unlink()

    with pytest.raises(backup.BackupError, match="缺少"):
        backup.verify(made)


def test_a_database_or_media_directory_in_use_is_not_overwritten_unless_forced(tmp_path):
    database, media = small_site(tmp_path)
    made = backup.backup(root=tmp_path / "backups", database=database, media_root=media)
    other, _ = small_site(tmp_path / "other")
    with sqlite3.connect(other.name) as conn:
        conn.execute("INSERT INTO hotline_ticket (title) VALUES ('新的工单')")

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(made), database_url=f"sqlite:///{other.name}", media_root=str(tmp_path / "m"))
    with sqlite3.connect(other.name) as conn:
        assert conn.execute("SELECT count(*) FROM hotline_ticket").fetchone()[0] == 3  # untouched

    call_command("restore", str(made), database_url=f"sqlite:///{other.name}", media_root=str(tmp_path / "m"),
                 force=True)
    with sqlite3.connect(other.name) as conn:
        assert conn.execute("SELECT count(*) FROM hotline_ticket").fetchone()[0] == 2


def test_retention_keeps_7_daily_4_weekly_and_12_monthly(tmp_path):
    import datetime as dt

    start = dt.datetime(2025, 1, 1, 3, 0)
    names = [f"hotline-{start + dt.timedelta(days=d):%Y%m%d-%H%M%S}" for d in range(500)]
    names += [f"hotline-{start + dt.timedelta(days=499, hours=h):%Y%m%d-%H%M%S}" for h in (1, 2)]  # same day
    for name in names:
        (tmp_path / name).mkdir()
    (tmp_path / "hotline-notes").mkdir()  # not a backup: left alone

    removed = backup.prune(tmp_path)

    left = sorted(p.name for p in tmp_path.iterdir())
    newest = start + dt.timedelta(days=499, hours=2)
    assert f"hotline-{newest:%Y%m%d-%H%M%S}" in left and "hotline-notes" in left
    kept = [dt.datetime.strptime(n[8:], "%Y%m%d-%H%M%S") for n in left if n != "hotline-notes"]
    assert len({k.date() for k in kept if (newest - k).days < 7}) == 7
    assert len({(k.year, k.month) for k in kept}) == 12  # one per month back a year
    assert len(kept) <= 7 + 4 + 12 and len(removed) == len(names) - len(kept)
