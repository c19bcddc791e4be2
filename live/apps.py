from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live push: websockets to staff pages, leaders' phones and the LED board (was channels_app;
    its one model, the CTI calls, is telephony's, which keeps that label)."""

    name = "live"
    verbose_name = "实时推送"

    def ready(self):
        from hotline.notify import subscribe

        from .push import push_ticket_events

        subscribe("live.push", push_ticket_events)

        from django.contrib.auth.signals import user_logged_out

        from .push import close_session_sockets

        user_logged_out.connect(close_session_sockets, dispatch_uid="live.logout")

        from . import monitoring

        monitoring.register()  # open websockets in /metrics (ops)
