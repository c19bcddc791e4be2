import json

from django.core.management.base import BaseCommand

from reports import display, rollup
from reports.intelligence import hot_topics


class Command(BaseCommand):
    help = "刷新统计汇总（增量；--full 全量）、热词（--keyword-days N 回溯 N 天）和公示屏快照"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every day's rollup")
        parser.add_argument("--keyword-days", type=int, default=2, help="recount hot-topic terms for the last N days")

    def handle(self, *args, full=False, keyword_days=2, **options):
        state = rollup.refresh(full=full)
        terms = hot_topics.refresh_recent(days=keyword_days) if keyword_days > 0 else 0
        display.rebuild()
        self.stdout.write(json.dumps({"days_refreshed": state.days_refreshed, "rollup_ms": state.duration_ms,
                                      "keyword_rows": terms}))
