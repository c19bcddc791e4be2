"""python manage.py backup (bin/backup) — the database and the media files, with a manifest and checksums."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = ("备份数据库与上传文件（附件、督办通知书、知识库附件）到一个带清单和校验和的目录；"
            "--prune 按保留策略清理旧备份")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BACKUP_DIR), help="备份根目录（默认 BACKUP_DIR）")
        parser.add_argument("--prune", action="store_true", help="备份后按保留策略删除旧备份")
        parser.add_argument("--prune-only", action="store_true", help="只清理，不备份")
        parser.add_argument("--keep-daily", type=int, default=7)
        parser.add_argument("--keep-weekly", type=int, default=4)
        parser.add_argument("--keep-monthly", type=int, default=12)

    def handle(self, *args, **options):
        root = Path(options["dir"])
        try:
            if not options["prune_only"]:
                made = backup.backup(root=root, database=backup.Database.from_settings(),
                                     media_root=Path(settings.MEDIA_ROOT))
                self.stdout.write(f"backup written: {made}")
            if options["prune"] or options["prune_only"]:
                for path in backup.prune(root, daily=options["keep_daily"], weekly=options["keep_weekly"],
                                         monthly=options["keep_monthly"]):
                    self.stdout.write(f"pruned: {path}")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
