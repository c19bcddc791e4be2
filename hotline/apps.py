from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "热线工单"

    def ready(self):
        from . import lookups  # noqa: F401  registers pk__seen_through
        from .celery import register_tasks

        register_tasks()
