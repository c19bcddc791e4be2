from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditSeal
from audit.seal import audit_seal, audit_verify


class Command(BaseCommand):
    help = "重新计算审计记录的哈希链（含已归档文件），发现改动、删除或插入即报错"

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="先封存尚未封存的记录")

    def handle(self, *args, seal=False, **options):
        if seal:
            audit_seal()
        checked, problems = audit_verify()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"审计记录哈希链校验失败：{len(problems)} 处问题（共 {checked} 环）")
        last = AuditSeal.objects.order_by("-id").first()
        tail = f"，最新一环 #{last.pk} 至编号 {last.last_id}，哈希 {last.hash}" if last else ""
        self.stdout.write(f"审计记录哈希链完好：共 {checked} 环{tail}")
