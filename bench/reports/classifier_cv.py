#!/usr/bin/env python
"""Cross-validated accuracy and speed of the ticket classifier (reports/intelligence/classifier.py).

    nice -n 10 python bench/reports/classifier_cv.py [FILE.csv] [--splits 5] [--repeats 5] [--seed 0]

Repeated stratified k-fold over FILE (default hotline/data/sample_messages.csv; columns
title,detail,category or text,category): each fold trains the first-level model exactly as
`classifier_train` does (classifier.build_bundle) and scores the held-out fold. Prints
accuracy and macro-F1 mean/min/max over the folds, then the prediction speed: a model
trained on the whole file classifies the whole file three times, best run reported
(jieba's dictionary is loaded first, as in `classifier_eval`). No database is needed.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from sklearn.model_selection import RepeatedStratifiedKFold  # noqa: E402

from reports.intelligence import classifier  # noqa: E402
from reports.intelligence.text import ensure_ready  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "hotline" / "data" / "sample_messages.csv"))
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    samples = [classifier.Sample(s.text, classifier.level(s.label, 1)) for s in classifier.read_csv(args.file)]
    labels = [s.label for s in samples]
    ensure_ready()
    folds = RepeatedStratifiedKFold(n_splits=args.splits, n_repeats=args.repeats, random_state=args.seed)
    accuracy, macro_f1 = [], []
    started = time.perf_counter()
    for train_idx, test_idx in folds.split(samples, labels):
        bundle = classifier.build_bundle([samples[i] for i in train_idx])
        result = classifier.evaluate(bundle["level1"], [samples[i] for i in test_idx])
        accuracy.append(result["accuracy"])
        macro_f1.append(result["macro_f1"])
    fit_seconds = (time.perf_counter() - started) / len(accuracy)

    model = classifier.build_bundle(samples)["level1"]
    speed = max(classifier.evaluate(model, samples)["texts_per_second"] for _ in range(3))

    print(f"{len(samples)} texts, {len(set(labels))} classes, {args.repeats}×{args.splits}-fold "
          f"({len(accuracy)} folds, {fit_seconds:.1f} s per fold)")
    for name, values in (("accuracy", accuracy), ("macro_f1", macro_f1)):
        print(f"{name:9} mean {statistics.mean(values):.4f}  min {min(values):.4f}  max {max(values):.4f}  "
              f"sd {statistics.stdev(values):.4f}")
    print(f"predict   {speed:,.0f} texts/s (best of 3 over {len(samples)} texts, one process)")


if __name__ == "__main__":
    main()
