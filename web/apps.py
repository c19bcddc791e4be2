from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    label = "web"
    verbose_name = "网页与市民门户"
    default_auto_field = "django.db.models.BigAutoField"
