"""The Celery application.

With REDIS_URL set the broker is Redis; in the embedded default tasks run
eagerly in-process (CELERY_TASK_ALWAYS_EAGER) so that nothing extra is needed.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")


def register_tasks() -> None:
    """Import every installed app's `tasks` module, so that each @shared_task is known by name.

    Called from HotlineConfig.ready(), i.e. in every process that sets Django up: the web
    server, `run_timers`, the Celery worker and beat, tests and the shell. Celery's own
    autodiscover_tasks() waits for a worker's start-up signal, which `run_timers` and the
    tests never send: their timers were found only when some other module had imported the
    tasks first.
    """
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
