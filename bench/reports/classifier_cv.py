#!/usr/bin/env python
"""Cross-validated accuracy and speed of the ticket classifier (reports/intelligence/classifier.py).

    nice -n 10 python bench/reports/classifier_cv.py [FILE.csv] [--splits 5] [--repeats 5] [--seed 0]
        [--holdout 0.1 | --test reports/data/messages_holdout.csv]

Repeated stratified k-fold over FILE (default reports/data/messages_train.csv: 6,631 labelled
messages, the 90% of the 7,368 of ../shared/data/messages_train.csv not held out in
reports/data/messages_holdout.csv; columns text,category or title,detail,category). Each fold
trains the first-level model exactly as `classifier_train` does (classifier.build_bundle) and
scores the held-out fold; accuracy and macro-F1 mean/min/max over the folds are printed.
--holdout F also trains on a stratified (1 − F) share and prints the per-class precision/recall
table of the F share; --test TEST.csv trains on the whole FILE and prints that table for TEST.
Then a model trained on the whole file: its fit time, its size on disk (joblib, compress=3, as
`train` stores it) and its prediction speed, the whole file classified three times, best run
reported (jieba's dictionary is loaded first, as in `classifier_eval`). --repeats 0 skips the
cross-validation. No database is needed.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import joblib  # noqa: E402
from sklearn.metrics import classification_report  # noqa: E402
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split  # noqa: E402

from reports.intelligence import classifier  # noqa: E402
from reports.intelligence.text import ensure_ready  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "reports" / "data" / "messages_train.csv"))
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--holdout", type=float, default=0.0, help="also report per class on this held-out share")
    parser.add_argument("--test", help="also report per class on this CSV (trained on the whole FILE)")
    args = parser.parse_args()

    samples = [classifier.Sample(s.text, classifier.level(s.label, 1)) for s in classifier.read_csv(args.file)]
    labels = [s.label for s in samples]
    ensure_ready()
    print(f"{args.file}: {len(samples)} texts, {len(set(labels))} classes")
    if args.repeats:
        folds = RepeatedStratifiedKFold(n_splits=args.splits, n_repeats=args.repeats, random_state=args.seed)
        accuracy, macro_f1 = [], []
        started = time.perf_counter()
        for train_idx, test_idx in folds.split(samples, labels):
            bundle = classifier.build_bundle([samples[i] for i in train_idx])
            result = classifier.evaluate(bundle["level1"], [samples[i] for i in test_idx])
            accuracy.append(result["accuracy"])
            macro_f1.append(result["macro_f1"])
        fold_seconds = (time.perf_counter() - started) / len(accuracy)
        print(f"{args.repeats}×{args.splits}-fold ({len(accuracy)} folds, {fold_seconds:.1f} s per fold)")
        for name, values in (("accuracy", accuracy), ("macro_f1", macro_f1)):
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            print(f"{name:9} mean {statistics.mean(values):.4f}  min {min(values):.4f}  "
                  f"max {max(values):.4f}  sd {sd:.4f}")

    if args.holdout or args.test:
        if args.test:
            train_part = samples
            test_part = [classifier.Sample(s.text, classifier.level(s.label, 1))
                         for s in classifier.read_csv(args.test)]
        else:
            train_part, test_part = train_test_split(samples, test_size=args.holdout, random_state=args.seed,
                                                     stratify=labels)
        model = classifier.build_bundle(train_part)["level1"]
        result = classifier.evaluate(model, test_part)
        predicted = classifier.predict_labels(model, [s.text for s in test_part])
        print(f"held out: {args.test or f'{args.holdout:.0%}'} ({len(test_part)} texts, trained on {len(train_part)}): "
              f"accuracy {result['accuracy']:.4f}  macro_f1 {result['macro_f1']:.4f}")
        print(classification_report([s.label for s in test_part], predicted, digits=3, zero_division=0))

    started = time.perf_counter()
    model = classifier.build_bundle(samples)["level1"]
    fit_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "level1.joblib"
        joblib.dump({"level1": model, "deep": None, "unit": None, "version": 0}, path, compress=3)
        size_mb = path.stat().st_size / 1e6
    speed = max(classifier.evaluate(model, samples)["texts_per_second"] for _ in range(3))
    print(f"fit       {fit_seconds:.1f} s on all {len(samples)} texts (jieba dictionary already loaded); "
          f"model {size_mb:.1f} MB (joblib compress=3)")
    print(f"predict   {speed:,.0f} texts/s (best of 3 over {len(samples)} texts, one process)")


if __name__ == "__main__":
    main()
