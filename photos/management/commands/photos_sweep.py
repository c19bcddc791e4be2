"""Delete photo files that no photo row names (left by a transaction that rolled back)."""
from django.core.management.base import BaseCommand

from photos.services import photos_sweep_orphans


class Command(BaseCommand):
    help = "删除没有对应记录的照片文件（事务回滚后遗留），只删一小时以前的"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=3600, help="seconds (default 3600)")

    def handle(self, *args, older_than, **options):
        self.stdout.write(f"removed {photos_sweep_orphans(older_than_seconds=older_than)} files")
