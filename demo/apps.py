from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county (`manage.py seed_demo`): for trying the product, never for production data."""

    name = "demo"
    verbose_name = "演示数据"
