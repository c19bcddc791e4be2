from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    label = "cases"
    verbose_name = "典型案例公开"
    default_auto_field = "django.db.models.BigAutoField"
