"""Backups: the database and the media files in one directory, with a manifest and checksums.

    <root>/hotline-20261204-031500/
        database.dump      pg_dump --format=custom (PostgreSQL), or
        database.sqlite3   a copy through SQLite's online backup API (the embedded default)
        media/...          MEDIA_ROOT: reply attachments, 督办通知书 PDFs, knowledge attachments
        manifest.json      when, which code (git commit), which database, row counts, every file
        SHA256SUMS         `sha256sum -c` format, every file above including the manifest

A backup is written under a ".partial" name and renamed when complete, so a directory without
the suffix is a whole backup. The row counts are taken in the snapshot pg_dump dumps
(pg_export_snapshot), so they are the dump's own. The media files are copied after the dump:
files are written before the rows that name them commit, so every file the dump names is there.

Restoring (restore()) checks every checksum before it touches anything, and refuses a target
database that has tables, or a media directory that has files, unless told to overwrite.
"""
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

DUMP_PG = "database.dump"
DUMP_SQLITE = "database.sqlite3"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PREFIX = "hotline-"
# The tables whose row counts a manifest records (and a restore compares): what a city would
# miss first. Tables that do not exist (an app not installed) are left out.
KEY_TABLES = [
    "hotline_ticket", "hotline_ticketevent", "hotline_citizen", "hotline_user", "hotline_unit",
    "dispatch_assignment", "dispatch_reply", "dispatch_attachment", "dispatch_supervisionnotice",
    "dispatch_eventoutbox", "sms_gateway_message", "knowledge_knowledgepoint", "cases_publishedcase",
]


class BackupError(Exception):
    """A backup that cannot be made or restored, with a message for the operator."""


# --- databases -------------------------------------------------------------------------
@dataclass(frozen=True)
class Database:
    vendor: str  # "postgresql" or "sqlite"
    name: str  # the database name, or the SQLite file's path
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_url(cls, url: str) -> "Database":
        parts = urlsplit(url)
        if parts.scheme in ("postgres", "postgresql", "pgsql"):
            return cls("postgresql", unquote(parts.path.lstrip("/")), parts.hostname or "", str(parts.port or ""),
                       unquote(parts.username or ""), unquote(parts.password or ""))
        if parts.scheme == "sqlite":
            rest = unquote(url[len("sqlite://"):])  # sqlite:////abs/path or sqlite:///relative/path
            return cls("sqlite", rest[1:] if rest.startswith("/") else rest)
        raise BackupError(f"不支持的数据库地址（只支持 postgres:// 与 sqlite://）：{parts.scheme}://…")

    @classmethod
    def from_settings(cls) -> "Database":
        from django.conf import settings

        s = settings.DATABASES["default"]
        if "sqlite" in s["ENGINE"]:
            return cls("sqlite", str(s["NAME"]))
        return cls("postgresql", s["NAME"], s.get("HOST") or "", str(s.get("PORT") or ""), s.get("USER") or "",
                   s.get("PASSWORD") or "")

    def env(self) -> dict:
        """libpq's variables for pg_dump/pg_restore: the password never appears on a command line."""
        env = dict(os.environ)
        env.update({k: v for k, v in {"PGHOST": self.host, "PGPORT": self.port, "PGUSER": self.user,
                                       "PGPASSWORD": self.password, "PGDATABASE": self.name}.items() if v})
        return env

    def connect(self, dbname: str | None = None):
        import psycopg

        return psycopg.connect(dbname=dbname or self.name, host=self.host or None, port=self.port or None,
                               user=self.user or None, password=self.password or None, autocommit=True)


def _pg_tables(cursor) -> set[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {row[0] for row in cursor.fetchall()}


def _count(cursor, tables: set[str]) -> dict[str, int]:
    counts = {}
    for table in KEY_TABLES:
        if table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(conn) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- files --------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _git_commit() -> str:
    if os.environ.get("APP_VERSION"):
        return os.environ["APP_VERSION"]
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent.parent,
                              capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _run(command: list[str], *, env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}")


# --- backup ---------------------------------------------------------------------------------
def backup(*, root: Path, database: Database, media_root: Path, now: dt.datetime | None = None) -> Path:
    """Writes a new backup directory under `root` and returns it."""
    zone = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))
    now = (now or dt.datetime.now(dt.UTC)).astimezone(zone)
    final = root / f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    if final.exists():
        raise BackupError(f"备份目录已存在：{final}")
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        if database.vendor == "postgresql":
            counts = _dump_postgres(database, partial / DUMP_PG)
        else:
            counts = _dump_sqlite(database, partial / DUMP_SQLITE)
        media_files = _copy_tree(media_root, partial / "media")
        files = _files_under(partial)
        manifest = {
            "format": 1,
            "created_at": now.isoformat(timespec="seconds"),
            "app_version": _git_commit(),
            "database": {"vendor": database.vendor, "name": Path(database.name).name if database.vendor == "sqlite"
                         else database.name, "dump": DUMP_PG if database.vendor == "postgresql" else DUMP_SQLITE},
            "row_counts": counts,
            "media_files": len(media_files),
            "files": [{"path": p.relative_to(partial).as_posix(), "size": p.stat().st_size, "sha256": sha256_of(p)}
                      for p in files],
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        sums = [(f["sha256"], f["path"]) for f in manifest["files"]] + [(sha256_of(partial / MANIFEST), MANIFEST)]
        (partial / SUMS).write_text("".join(f"{digest}  {path}\n" for digest, path in sums))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _dump_postgres(database: Database, target: Path) -> dict[str, int]:
    """pg_dump of an exported snapshot, counted in that same snapshot."""
    with database.connect() as conn:
        conn.autocommit = False
        with conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor, _pg_tables(cursor))
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], env=database.env())
            conn.rollback()
    return counts


def _dump_sqlite(database: Database, target: Path) -> dict[str, int]:
    """SQLite's online backup API: a consistent copy even while the server writes (WAL)."""
    if not Path(database.name).exists():
        raise BackupError(f"SQLite 数据库文件不存在：{database.name}")
    source = sqlite3.connect(database.name)
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        counts = _count(copy.cursor(), _sqlite_tables(copy))
        copy.close()
    finally:
        source.close()
    return counts


def _copy_tree(source: Path, target: Path) -> list[Path]:
    copied = []
    for path in _files_under(source):
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        copied.append(dest)
    target.mkdir(parents=True, exist_ok=True)
    return copied


# --- verify and restore ----------------------------------------------------------------------
def verify(directory: Path) -> dict:
    """The manifest, once every file's checksum matches SHA256SUMS and no file is missing or
    extra; BackupError saying which file is wrong otherwise."""
    if not (directory / SUMS).is_file() or not (directory / MANIFEST).is_file():
        raise BackupError(f"不是完整的备份（缺少 {SUMS} 或 {MANIFEST}）：{directory}")
    expected = {}
    for line in (directory / SUMS).read_text().splitlines():
        digest, _, path = line.partition("  ")
        if not digest or not path or ".." in Path(path).parts or Path(path).is_absolute():
            raise BackupError(f"{SUMS} 中有无法识别的行：{line[:80]!r}")
        expected[path] = digest
    present = {p.relative_to(directory).as_posix() for p in _files_under(directory)} - {SUMS}
    missing, extra = sorted(set(expected) - present), sorted(present - set(expected))
    if missing or extra:
        raise BackupError(f"备份文件不全或多出文件（缺少：{missing[:5]}，多出：{extra[:5]}），拒绝恢复")
    bad = [path for path, digest in expected.items() if sha256_of(directory / path) != digest]
    if bad:
        raise BackupError(f"备份已损坏：{', '.join(bad[:5])} 的 sha256 校验和不符，拒绝恢复，未做任何改动")
    return json.loads((directory / MANIFEST).read_text())


@dataclass
class Restored:
    manifest: dict
    row_counts: dict[str, int]
    media_files: int


def restore(*, directory: Path, database: Database, media_root: Path, force: bool = False) -> Restored:
    manifest = verify(directory)
    dump = manifest["database"]["dump"]
    if (dump == DUMP_PG) != (database.vendor == "postgresql"):
        raise BackupError(f"备份是 {manifest['database']['vendor']} 的，目标数据库是 {database.vendor}，无法恢复")
    existing = _files_under(media_root)
    if existing and not force:
        raise BackupError(f"媒体目录 {media_root} 不是空的（{len(existing)} 个文件）；确认覆盖请加 --force")
    if database.vendor == "postgresql":
        counts = _restore_postgres(directory / dump, database, force=force)
    else:
        counts = _restore_sqlite(directory / dump, database, force=force)
    media = _copy_tree(directory / "media", media_root)
    if counts != manifest["row_counts"]:
        raise BackupError(f"恢复后的行数与备份清单不符：{counts} ≠ {manifest['row_counts']}")
    return Restored(manifest, counts, len(media))


def _restore_postgres(dump: Path, database: Database, *, force: bool) -> dict[str, int]:
    with database.connect(dbname="postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database.name}"')
    with database.connect() as conn, conn.cursor() as cursor:
        tables = _pg_tables(cursor)
        if tables and not force:
            raise BackupError(f"目标数据库 {database.name} 不是空的（{len(tables)} 张表）；确认覆盖请加 --force")
        if tables:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", f"--dbname={database.name}", str(dump)],
         env=database.env())
    with database.connect() as conn, conn.cursor() as cursor:
        cursor.execute("ANALYZE")
        return _count(cursor, _pg_tables(cursor))


def _restore_sqlite(dump: Path, database: Database, *, force: bool) -> dict[str, int]:
    target = Path(database.name)
    if target.exists() and target.stat().st_size > 0 and not force:
        raise BackupError(f"目标数据库文件 {target} 已存在；确认覆盖请加 --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    source, copy = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        return _count(copy.cursor(), _sqlite_tables(copy))
    finally:
        source.close()
        copy.close()


# --- retention ----------------------------------------------------------------------------------
def keep(names: list[str], *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[str]:
    """Which backups a retention of `daily` days, `weekly` ISO weeks and `monthly` months keeps:
    the newest backup of each of the last `daily` days that have one, of the last `weekly` weeks,
    and of the last `monthly` months (a backup may count for all three)."""
    stamped = sorted(((dt.datetime.strptime(n[len(PREFIX):], "%Y%m%d-%H%M%S"), n) for n in names), reverse=True)
    kept: set[str] = set()
    for limit, period in ((daily, lambda d: d.date()), (weekly, lambda d: d.isocalendar()[:2]),
                          (monthly, lambda d: (d.year, d.month))):
        seen = []
        for moment, name in stamped:  # newest first: the first of each period is its newest
            key = period(moment)
            if key not in seen:
                if len(seen) == limit:
                    break
                seen.append(key)
                kept.add(name)
    return kept


def prune(root: Path, *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Deletes the complete backups under `root` that the retention does not keep; returns them."""
    names = []
    for path in root.iterdir() if root.exists() else []:
        if path.is_dir() and path.name.startswith(PREFIX) and not path.name.endswith(".partial"):
            try:
                dt.datetime.strptime(path.name[len(PREFIX):], "%Y%m%d-%H%M%S")
            except ValueError:
                continue  # not one of ours: left alone
            names.append(path.name)
    kept = keep(names, daily=daily, weekly=weekly, monthly=monthly)
    removed = [root / n for n in sorted(set(names) - kept)]
    for path in removed:
        shutil.rmtree(path)
    return removed
