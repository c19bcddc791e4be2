import json

from django.core.management.base import BaseCommand

from reports.intelligence.shipped import ensure_shipped_model


class Command(BaseCommand):
    help = "没有启用的分类模型时，用随产品提供的训练数据训练一个（已有本市自己的模型则不动）"

    def handle(self, *args, **options):
        row = ensure_shipped_model(log=self.stdout.write)
        self.stdout.write(json.dumps({"version": row.version, "source": row.source, "samples": row.samples,
                                      **row.metrics}, ensure_ascii=False))
