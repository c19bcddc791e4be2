"""manage.py assessment_refresh [--full]: the assessment's event rollup (beat does it every minute)."""
from django.core.management.base import BaseCommand

from assessment import rollup


class Command(BaseCommand):
    help = "刷新考核事件日统计（默认增量；--full 全部重建）"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="全部重建")

    def handle(self, *args, full=False, **options):
        state = rollup.refresh(full=full)
        self.stdout.write(f"考核事件日统计：刷新 {state.days_refreshed} 天，用时 {state.duration_ms} 毫秒")
