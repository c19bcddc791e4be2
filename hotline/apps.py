from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "热线工单"

    def ready(self):
        from django.conf import settings

        from . import lookups  # noqa: F401  registers pk__seen_through
        from .celery import register_tasks
        from .outbox import defer_notifications

        register_tasks()
        if settings.HOTLINE_NOTIFY_ASYNC:  # requests queue their events for a worker (production)
            defer_notifications()
