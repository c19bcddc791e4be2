"""python manage.py restore DIR (bin/restore) — checks every checksum, then restores the database
and the media files into a fresh database and media directory."""
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = "校验备份的 sha256 后恢复到指定的（空）数据库与媒体目录；目标非空时须加 --force"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="备份目录（bin/backup 写出的 hotline-YYYYMMDD-HHMMSS）")
        parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                            help="目标数据库（默认 DATABASE_URL；不存在的 PostgreSQL 数据库会被创建）")
        parser.add_argument("--media-root", default=str(settings.MEDIA_ROOT), help="目标媒体目录（默认 MEDIA_ROOT）")
        parser.add_argument("--force", action="store_true", help="覆盖非空的目标数据库与媒体目录")
        parser.add_argument("--verify-only", action="store_true", help="只校验，不恢复")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        try:
            if options["verify_only"]:
                manifest = backup.verify(directory)
                self.stdout.write(f"backup OK: {len(manifest['files'])} files, made {manifest['created_at']}")
                return
            database = (backup.Database.from_url(options["database_url"]) if options["database_url"]
                        else backup.Database.from_settings())
            done = backup.restore(directory=directory, database=database, media_root=Path(options["media_root"]),
                                  force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored {database.name}: {done.row_counts}; {done.media_files} media files "
                          f"→ {options['media_root']} (backup of {done.manifest['created_at']}, "
                          f"code {done.manifest['app_version'][:12]})")
