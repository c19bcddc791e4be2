"""python manage.py knowledge_import FILE [--user NAME] [--publish] — points from an xlsx/csv file
in the template's columns; all or nothing, the row errors printed."""
from django.core.management.base import BaseCommand, CommandError

from hotline.models import Role, User
from knowledge.services.imports import points_import


class Command(BaseCommand):
    help = "从 xlsx/csv 文件导入知识点（整个文件无误才导入）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以哪个账号导入（默认：第一个值班长或管理员）")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布（仅热线中心账号）")

    def handle(self, *args, file, user=None, publish=False, **options):
        actor = (User.objects.filter(username=user).first() if user else
                 User.objects.filter(role__in=[Role.SUPERVISOR, Role.ADMIN], is_active=True).order_by("pk").first())
        if actor is None:
            raise CommandError("找不到导入账号：用 --user 指定")
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from None
        result = points_import(actor=actor, name=file, content=content, publish=publish)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"第{error.row}行 {error.column}：{error.message}")
            raise CommandError(f"{len(result.errors)} 处错误，未导入任何知识点")
        self.stdout.write(self.style.SUCCESS(f"新增 {result.created} 条，更新 {result.updated} 条"))
