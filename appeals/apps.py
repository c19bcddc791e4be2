"""Appeals (不满意甄别/申诉, issue 18 item 2) and electronic supervision per unit (电子监察, item 3)."""
from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = "申诉与电子监察"

    def ready(self) -> None:
        from hotline.notify import each, subscribe

        from .notices import on_ruling

        subscribe("appeals.ruling_sms", each(on_ruling))
