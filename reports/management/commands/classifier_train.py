import json

from django.core.management.base import BaseCommand, CommandError

from reports.intelligence import classifier


class Command(BaseCommand):
    help = "训练工单分类模型：classifier_train [FILE.csv]（列 text,category；不给文件则用已办结工单）"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV with columns text,category")
        parser.add_argument("--holdout", type=float, default=0.2, help="stratified share held out for the report")

    def handle(self, *args, file=None, holdout=0.2, **options):
        units = None
        try:
            if file:
                samples = classifier.read_csv(file)
                source = file
            else:
                from hotline.models import Ticket

                samples = classifier.samples_from_tickets()
                source = "closed tickets"
                units = list(Ticket.objects.filter(state="closed", category__isnull=False)
                             .order_by("-closed_at").values_list("lead_unit_id", flat=True)[:len(samples)])
            if len(samples) < 4:
                raise CommandError(f"训练样本太少（{len(samples)} 条）")
            row = classifier.train(samples, source=source, holdout=holdout, units=units)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc))
        self.stdout.write(json.dumps({"version": row.version, "samples": row.samples, "labels": len(row.labels),
                                      "path": row.path, **row.metrics}, ensure_ascii=False))
