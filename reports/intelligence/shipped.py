"""The classifier that ships with the product.

A fresh install has no closed tickets to learn from, so the product ships its training
data (reports/data/messages_train.csv, real labelled citizens' messages; README beside it)
rather than a pickled model: the data is readable and diffable, a model file is tied to the
exact scikit-learn build, and a city retrains on its own tickets with the same code anyway.
`ensure_shipped_model()` (run by `seed_demo` and `manage.py classifier_ensure`) trains it
once per data and code version; the trained file is kept under REPORTS_MODEL_DIR keyed by
that version, so later databases (tests, a re-seeded demo) reuse it instead of training again.
A city's own model, once trained and active, is left alone.
"""
import hashlib
import json
import shutil
from pathlib import Path

import sklearn
from django.conf import settings
from django.db import transaction

from ..models import ClassifierModel
from . import classifier

DATA = Path(__file__).resolve().parent.parent / "data"
TRAIN_FILE = DATA / "messages_train.csv"
HOLDOUT_FILE = DATA / "messages_holdout.csv"
SOURCE_PREFIX = "shipped:"


def shipped_key() -> str:
    """Changes with the training data, the classifier's code and scikit-learn's version."""
    digest = hashlib.sha256()
    for path in (TRAIN_FILE, DATA / "stopwords.txt", DATA / "userdict.txt", Path(classifier.__file__),
                 Path(__file__).with_name("text.py")):
        digest.update(path.read_bytes())
    digest.update(sklearn.__version__.encode())
    return digest.hexdigest()[:16]


def _register(*, path: Path, info: dict) -> ClassifierModel:
    with transaction.atomic():
        last = ClassifierModel.objects.select_for_update().order_by("-version").first()
        return ClassifierModel.objects.create(
            version=(last.version if last else 0) + 1, source=info["source"], samples=info["samples"],
            labels=info["labels"], metrics=info["metrics"], path=str(path))


def ensure_shipped_model(*, log=lambda message: None) -> ClassifierModel:
    """The active model; the shipped one is trained (or taken from the cache) where there is none,
    or where the active one is an older shipped version."""
    active = ClassifierModel.objects.filter(is_active=True).order_by("-version").first()
    key = shipped_key()
    source = f"{SOURCE_PREFIX}{key}"
    if active is not None and Path(active.path).exists() and (
            not active.source.startswith(SOURCE_PREFIX) or active.source == source):
        return active
    cache_dir = Path(settings.REPORTS_MODEL_DIR)
    cached, described = cache_dir / f"shipped-{key}.joblib", cache_dir / f"shipped-{key}.json"
    if cached.exists() and described.exists():
        return _register(path=cached, info=json.loads(described.read_text(encoding="utf-8")))

    log(f"训练分类模型（{TRAIN_FILE.name}，首次约需一分钟）…")
    samples = classifier.read_csv(TRAIN_FILE)
    row = classifier.train(samples, source=source, holdout=0)
    held = classifier.read_csv(HOLDOUT_FILE)
    row.metrics = {"holdout": classifier.evaluate(classifier.active_bundle(), held), "holdout_file": HOLDOUT_FILE.name}
    shutil.move(row.path, cached)
    row.path = str(cached)
    row.save(update_fields=["metrics", "path"])
    for stale in cache_dir.glob("shipped-*"):  # earlier data or code versions: 18 MB each, never used again
        if stale.stem != cached.stem:
            stale.unlink(missing_ok=True)
    info = {"source": row.source, "samples": row.samples, "labels": row.labels, "metrics": row.metrics}
    described.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    log(f"分类模型 v{row.version}：留出集准确率 {row.metrics['holdout']['accuracy']:.1%}")
    return row
