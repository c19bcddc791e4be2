"""manage.py pii_rekey: re-encrypt citizens' phones and ID numbers with the first key of PII_KEYS
(and recompute the lookup digests with PII_HASH_KEY). docs/SECURITY-pii.md: key rotation."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "用 PII_KEYS 的第一个密钥重新加密市民电话和身份证号（密钥轮换），并按 PII_HASH_KEY 重算检索摘要"

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="只打印一个新的随机密钥（base64，32字节）")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, new_key=False, batch=2000, **options):
        from hotline import pii
        from hotline.services.pii import citizens_rekey

        if new_key:
            self.stdout.write(pii.new_key())
            return
        result = citizens_rekey(batch=max(1, batch))
        self.stdout.write(f"检查 {result['checked']} 位市民，用密钥 {result['key']} 重新加密 {result['rekeyed']} 位")
