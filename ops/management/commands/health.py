"""python manage.py health — /api/health/'s report from any process's container (worker, beat,
gateway) without an HTTP server: prints the JSON, exits 1 when a critical check is down."""
import json
import sys

from django.core.management.base import BaseCommand

from ops.health import report


class Command(BaseCommand):
    help = "检查各依赖（数据库、Redis、消息代理、短信会话、积压、定时扫描）；关键依赖不可用时退出码为1"

    def handle(self, *args, **options):
        code, body = report()
        self.stdout.write(json.dumps(body, ensure_ascii=False))
        if code != 200:
            sys.exit(1)
