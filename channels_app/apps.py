from django.apps import AppConfig


class ChannelsAppConfig(AppConfig):
    name = "channels_app"
    verbose_name = "实时推送"

    def ready(self):
        from hotline.notify import subscribe

        from .push import push_ticket_events

        subscribe("channels_app.push", push_ticket_events)

        from django.contrib.auth.signals import user_logged_out

        from .push import close_session_sockets

        user_logged_out.connect(close_session_sockets, dispatch_uid="channels_app.logout")
