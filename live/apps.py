from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live push (websockets: staff pages, leaders' phones, the LED board) and the CTI calls.
    The package was channels_app; the label stays so that its tables and migrations are kept."""

    name = "live"
    label = "channels_app"
    verbose_name = "实时推送"

    def ready(self):
        from hotline.notify import subscribe

        from .push import push_ticket_events

        subscribe("live.push", push_ticket_events)

        from django.contrib.auth.signals import user_logged_out

        from .push import close_session_sockets

        user_logged_out.connect(close_session_sockets, dispatch_uid="live.logout")
