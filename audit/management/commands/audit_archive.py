from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.archive import ArchiveError, audit_archive


class Command(BaseCommand):
    help = "把超过保留期（AUDIT_RETENTION_DAYS，至少180天）的审计记录写入压缩归档文件，校验后再从数据库移除"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="保留天数（默认 AUDIT_RETENTION_DAYS；不得少于180）")
        parser.add_argument("--dir", type=Path, help="归档目录（默认 AUDIT_ARCHIVE_DIR）")
        parser.add_argument("--file-rows", type=int, help="每个归档文件的最多条数（默认 AUDIT_ARCHIVE_FILE_ROWS）")

    def handle(self, *args, days=None, dir=None, file_rows=None, **options):
        try:
            archives = audit_archive(days=days, directory=dir, file_rows=file_rows)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        for a in archives:
            self.stdout.write(f"已归档 {a.count} 条（编号 {a.first_id}–{a.last_id}）到 {a.path}，SHA-256 {a.sha256}")
        if not archives:
            self.stdout.write("没有超过保留期的审计记录")
