"""Unlock an account or a client address from the server's shell (`login_unlock KEY`, `--list`).

The security administrator unlocks on /account/security/; this is for when they cannot reach it,
e.g. they sit behind the very address that was locked (a centre behind one NAT address)."""
from django.core.management.base import BaseCommand, CommandError

from accounts.lockout import active_locks, lock_release


class Command(BaseCommand):
    help = "解除登录锁定：指定账号或地址解锁，或 --list 列出当前锁定"

    def add_arguments(self, parser):
        parser.add_argument("key", nargs="?", help="用户名或客户端地址")
        parser.add_argument("--list", action="store_true", help="列出当前锁定")

    def handle(self, *args, key=None, list=False, **options):
        locks = active_locks().order_by("locked_until")
        if list or not key:
            for lock in locks:
                self.stdout.write(f"{lock.get_scope_display()}\t{lock.key}\t失败 {lock.failures} 次\t"
                                  f"锁定至 {lock.locked_until:%Y-%m-%d %H:%M}")
            if not key:
                return
        found = [lock for lock in locks if lock.key == key.lower() or lock.key == key]
        if not found:
            raise CommandError(f"{key} 当前没有锁定")
        for lock in found:
            lock_release(lock=lock, actor=None)
        self.stdout.write(f"已解锁 {key}")
