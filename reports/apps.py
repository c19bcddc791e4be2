from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self):
        from hotline.notify import subscribe

        from .display import mark_dirty
        from .intelligence.suggestions import on_ticket_events as check_duplicates

        # Any ticket event may change the public summary: mark it stale (debounced rebuild, once per batch).
        subscribe("reports.display", mark_dirty)
        # Every registration, from any channel, is checked for likely duplicates once committed.
        subscribe("reports.duplicates", check_duplicates)
