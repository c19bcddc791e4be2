"""The Celery application.

With REDIS_URL set the broker is Redis; in the embedded default tasks run
eagerly in-process (CELERY_TASK_ALWAYS_EAGER) so that nothing extra is needed.
"""
import os

from celery import Celery

import ops.tasks_context  # noqa: F401  the request id in task headers; Celery logs through settings.LOGGING

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks module is imported by HotlineConfig.ready(), in every process that sets Django up.
