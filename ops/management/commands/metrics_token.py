"""python manage.py metrics_token — prints the bearer token Prometheus sends to /metrics."""
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "打印 /metrics 的访问令牌（Prometheus 的 bearer_token）"

    def handle(self, *args, **options):
        self.stdout.write(settings.METRICS_TOKEN)
