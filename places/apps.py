"""Places (issue 19 item 5): where a ticket is (lat/long or its town) and the area map."""
from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "地点"
