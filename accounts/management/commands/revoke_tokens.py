"""Revoke API tokens: one user's (`revoke_tokens USERNAME`) or all (`revoke_tokens --all`)."""
from django.core.management.base import BaseCommand, CommandError

from accounts.services import token_revoke, token_revoke_all
from hotline.models import User


class Command(BaseCommand):
    help = "吊销接口令牌：指定用户名吊销其令牌，或 --all 吊销全部令牌"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--all", action="store_true", help="吊销全部接口令牌")

    def handle(self, *args, username=None, all=False, **options):
        if all == bool(username):
            raise CommandError("请指定一个用户名，或使用 --all（二者取其一）")
        if all:
            count = token_revoke_all(actor=None)
            self.stdout.write(f"已吊销全部接口令牌（{count} 个）")
            return
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        revoked = token_revoke(user=user, actor=None)
        self.stdout.write(f"已吊销 {username} 的接口令牌" if revoked else f"{username} 没有接口令牌")
