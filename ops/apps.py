from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: request ids and structured logs, health checks, Prometheus metrics, backups.

    It imports no other app of the project: the apps register their own health checks and
    scrape-time metrics with it (ops.health.register, ops.metrics.register) in their ready()."""

    name = "ops"
    verbose_name = "运维"

    def ready(self):
        from django.core.signals import request_finished

        from . import context, tasks_context  # noqa: F401  (Celery signals: the request id across tasks)

        request_finished.connect(lambda **_: context.set_current(""), weak=False, dispatch_uid="ops.request_id")
