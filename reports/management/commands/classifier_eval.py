import json

from django.core.management.base import BaseCommand, CommandError

from reports.intelligence import classifier


class Command(BaseCommand):
    help = "用 CSV（列 text,category）评估当前分类模型，输出一行 JSON：accuracy、macro_f1"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        bundle = classifier.active_bundle()
        if bundle is None:
            raise CommandError("还没有训练好的分类模型：先运行 classifier_train")
        try:
            samples = classifier.read_csv(file)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc))
        if not samples:
            raise CommandError("CSV 中没有样本")
        # Compare at the level the file labels: first-level model for first-level labels.
        depth = max(len(s.label.split("/")) for s in samples)
        model = bundle["level1"] if depth == 1 or bundle.get("deep") is None else bundle["deep"]
        result = classifier.evaluate(model, samples)
        result["model_version"] = bundle.get("version")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
