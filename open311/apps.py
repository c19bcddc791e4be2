"""Open311 GeoReport v2 and partner keys (issue 19 items 1 and 2)."""
from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = "Open311接口"
