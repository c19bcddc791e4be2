"""Partner keys from the shell: create NAME (prints api_key=… once), list, disable NAME."""
from django.core.management.base import BaseCommand, CommandError

from hotline.errors import HotlineError
from open311.models import PartnerKey
from open311.services import partner_key_create, partner_key_disable


class Command(BaseCommand):
    help = "合作方密钥（Open311 / REST）：create 名称 | list | disable 名称"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        create = sub.add_parser("create", help="新建密钥并显示一次")
        create.add_argument("name")
        create.add_argument("--per-minute", type=int, default=60)
        create.add_argument("--per-hour", type=int, default=1000)
        sub.add_parser("list", help="列出密钥")
        disable = sub.add_parser("disable", help="停用密钥")
        disable.add_argument("name")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['command']}")(options)
        except HotlineError as exc:
            raise CommandError(exc.message) from None

    def _create(self, options):
        issued = partner_key_create(name=options["name"], per_minute=options["per_minute"],
                                    per_hour=options["per_hour"])
        self.stdout.write(f"api_key={issued.raw}")
        self.stderr.write("只显示这一次：系统只保存密钥的摘要。")

    def _list(self, options):
        for key in PartnerKey.objects.order_by("name"):
            state = "启用" if key.is_enabled else "停用"
            used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "-"
            self.stdout.write(f"{key.name}\t{key.key_prefix}…\t{state}\t{key.per_minute}/分 {key.per_hour}/时\t"
                              f"请求{key.requests_total} 工单{key.filed_total}\t最近使用 {used}")

    def _disable(self, options):
        key = PartnerKey.objects.filter(name=options["name"]).first()
        if key is None:
            raise CommandError(f"没有名为「{options['name']}」的密钥")
        partner_key_disable(key=key)
        self.stdout.write(f"已停用：{key.name}")
