"""python manage.py sms_account create NAME | list | disable SID — API accounts for the
Twilio-compatible API (AccountSid + AuthToken)."""
from django.core.management.base import BaseCommand, CommandError

from sms_gateway.models import ApiAccount


class Command(BaseCommand):
    help = "管理短信接口账号（Twilio 兼容 API 的 AccountSid / AuthToken）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建账号并打印 AccountSid 与 AuthToken")
        create.add_argument("name")
        create.add_argument("--sid", default="", help="指定 AccountSid（AC + 32 位十六进制）")
        create.add_argument("--token", default="", help="指定 AuthToken（至少 16 个字符）")
        sub.add_parser("list", help="列出账号")
        disable = sub.add_parser("disable", help="停用账号")
        disable.add_argument("sid")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            fields = {"friendly_name": options["name"][:64]}
            if options["sid"]:
                sid = options["sid"]
                if not (len(sid) == 34 and sid.startswith("AC") and all(c in "0123456789abcdef" for c in sid[2:])):
                    raise CommandError("AccountSid 须为 AC + 32 位小写十六进制")
                if ApiAccount.objects.filter(sid=sid).exists():
                    raise CommandError(f"账号 {sid} 已存在")
                fields["sid"] = sid
            if options["token"]:
                if len(options["token"]) < 16:
                    raise CommandError("AuthToken 至少 16 个字符")
                fields["auth_token"] = options["token"]
            account = ApiAccount.objects.create(**fields)
            self.stdout.write(f"AccountSid={account.sid}\nAuthToken={account.auth_token}")
        elif action == "list":
            for account in ApiAccount.objects.order_by("pk"):
                self.stdout.write(f"{account.sid}\t{'启用' if account.is_active else '停用'}\t{account.friendly_name}")
        elif action == "disable":
            if not ApiAccount.objects.filter(sid=options["sid"]).update(is_active=False):
                raise CommandError(f"没有账号 {options['sid']}")
            self.stdout.write(f"已停用 {options['sid']}")
