from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = "派单督办"

    def ready(self):
        from hotline.notify import each, subscribe

        from .supervision_notices import on_supervise_event

        subscribe("dispatch.supervision_notice", each(on_supervise_event))

        from . import monitoring

        monitoring.register()  # the light sweep's health check and metrics (ops)

        from .services import review  # noqa: F401  (办结审核: a policy saved anywhere forgets the cached one)
