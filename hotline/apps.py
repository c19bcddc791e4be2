from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "热线工单"

    def ready(self):
        from django.conf import settings
        from django.utils.module_loading import autodiscover_modules

        from . import checks, lookups  # noqa: F401  registers pk__seen_through; the PII keys' check
        from .outbox import defer_notifications

        # Every installed app's `tasks` module, in every process that sets Django up (web server,
        # run_timers, Celery worker and beat, tests, the shell): tasks are known by name before one
        # runs. Celery's own autodiscover_tasks() waits for a worker's start-up signal, which
        # run_timers and the tests never send; their timers were found only when some other
        # module had happened to import the tasks first.
        autodiscover_modules("tasks")
        from . import monitoring

        monitoring.register()  # the outbox's health check and metrics (ops)
        if settings.HOTLINE_NOTIFY_ASYNC:  # requests queue their events for a worker (production)
            defer_notifications()
