"""manage.py pii_retention: anonymise closed tickets older than PII_RETENTION_DAYS (issue 20 item 4).

Run it daily (cron or a Celery beat entry); it is idempotent and works in batches."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "清除超过保存期限（PII_RETENTION_DAYS）的已办结工单中的市民个人信息，保留统计数据"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="默认取 PII_RETENTION_DAYS")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, days=None, batch=1000, **options):
        from hotline.services.pii import retention_cutoff, tickets_anonymise
        from sms_gateway.services import messages_mask_before
        from telephony.calls import calls_mask_before

        days = settings.PII_RETENTION_DAYS if days is None else days
        try:
            cutoff = retention_cutoff(days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result = tickets_anonymise(days=days, batch=max(1, batch))
        calls = calls_mask_before(cutoff=cutoff)
        messages = messages_mask_before(cutoff=cutoff)
        self.stdout.write(f"{cutoff:%Y-%m-%d} 之前办结的工单：清除 {result['tickets']} 件，删除市民 "
                          f"{result['citizens_deleted']} 人；来电号码遮蔽 {calls} 条，短信号码遮蔽 {messages} 处")
