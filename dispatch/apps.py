from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = "派单督办"

    def ready(self):
        from hotline.notify import subscribe

        from .notices import on_supervise_event

        subscribe("dispatch.supervision_notice", on_supervise_event)
