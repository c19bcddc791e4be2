from django.apps import AppConfig


class SmsGatewayConfig(AppConfig):
    name = "sms_gateway"
    verbose_name = "短信网关"

    def ready(self):
        from hotline.notify import subscribe

        from .ticket_sms import on_ticket_events

        subscribe("sms_notices", on_ticket_events)

        from . import monitoring

        monitoring.register()
