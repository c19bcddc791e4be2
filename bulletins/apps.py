"""Bulletins and scheduled reports (通报, 定期报送, issue 18 item 5)."""
from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "通报与定期报送"
