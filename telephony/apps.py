from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    """Phone calls from the CTI system. The app label is channels_app, the name of the package
    these calls lived in before: its table (channels_app_call) and migrations are kept."""

    name = "telephony"
    label = "channels_app"
    verbose_name = "来电"
