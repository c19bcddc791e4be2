"""Category and handling-unit suggestions from a ticket's text.

Features: character 1–2-grams of the first 1,000 characters (robust to unknown place names
and typos; the longer window is what the 7,368 real messages rewarded most), jieba words of
the first 100 with the local dictionary and stopwords, and the character 1–3-grams of the
title once more (up to the first "。" within 20 characters, else the first 20: the head of a
message names its topic). A linear SVM with balanced class weights, so that small categories
are not swallowed by big ones. The category tree (hotline/data/taxonomy.csv) adds one short
pseudo-document per level-2/3 entry ("二级。三级") to the categories the training labels have,
never to others: the official names are the vocabulary a small training set has not seen yet
(neutral on the 7,368 messages, a gain on the 495-message sample). Confidence is the softmax of
the SVM's decision scores (a relative, not a calibrated, probability). docs/REPORTS.md has the
cross-validated figures of each choice.

Models are versioned: each training writes var/models/classifier-v<N>.joblib and a
`ClassifierModel` row; the newest active row is used. With no model the product still
works: `suggest()` falls back to unit keywords and says so.
"""
import csv
import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings
from django.db import transaction
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from hotline.taxonomy import DEFAULT_TAXONOMY

from ..models import ClassifierModel
from .text import ensure_ready, stopwords

logger = logging.getLogger(__name__)

MAX_CHARS = 1000  # 29% of the training messages are longer than 300 characters; 1,000 covers 95%
WORD_CHARS = 100  # jieba is the slow part: words from the first lines (300 gained 0.003, at half the speed)
TITLE_CHARS = 20  # the head of the message once more (20 scored above 40 and 60 on the training file)
MIN_PER_LABEL = 2
_loaded: dict = {"version": None, "bundle": None}
_lock = threading.Lock()


@dataclass
class Sample:
    text: str
    label: str  # a category full name: "城乡建设" or "城乡建设/住房管理/物业管理"


def normalise(text: str) -> str:
    return " ".join(str(text or "").split())[:MAX_CHARS]


def jieba_words(text: str) -> list[str]:
    import jieba

    ensure_ready()
    stop = stopwords()
    return [w for w in jieba.lcut(text[:WORD_CHARS], HMM=False) if len(w) >= 2 and w not in stop]


def titles(texts) -> list[str]:
    """The title: up to the first "。" (read_csv and tickets put the title first and end it so);
    text with no "。" in its first 20 characters (the training file, the operator form's content)
    gives those 20: the head of a message names its topic."""
    heads = []
    for text in texts:
        end = text.find("。")
        heads.append(text[:end] if 0 < end <= TITLE_CHARS else text[:TITLE_CHARS])
    return heads


def make_model():
    # Measured by bench/reports/classifier_cv.py; docs/REPORTS.md has the figures of each choice.
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    words = TfidfVectorizer(tokenizer=jieba_words, token_pattern=None, lowercase=False, sublinear_tf=True, min_df=1)
    title = make_pipeline(FunctionTransformer(titles),
                          TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True))
    features = FeatureUnion([("chars", chars), ("words", words), ("title", title)])
    # random_state: the dual solver shuffles; fixed so that the same data gives the same model
    return make_pipeline(features, LinearSVC(C=1.0, class_weight="balanced", random_state=0))


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[tuple[str, ...], ...]:
    with open(DEFAULT_TAXONOMY, encoding="utf-8-sig", newline="") as f:
        rows = [tuple(c.strip() for c in row[:3]) for row in csv.reader(f)]
    return tuple(row for row in rows if row and row[0] and row[0] != "一级分类")


def taxonomy_docs(labels: set[str]) -> tuple[list[str], list[str]]:
    """One pseudo-document "二级。三级" per taxonomy entry, labelled with the deepest of its
    names that is a training label; entries under categories the labels lack are left out."""
    docs, doc_labels = [], []
    for row in _taxonomy():
        names = [n for n in row if n]
        label = next((lab for lab in ("/".join(names[:d]) for d in range(len(names), 0, -1)) if lab in labels), None)
        if label and len(names) > 1:
            docs.append("。".join(names[1:]))
            doc_labels.append(label)
    return docs, doc_labels


def read_csv(path: str | Path) -> list[Sample]:
    """CSV with columns text,category; also accepts title,detail,category (the sample set)."""
    samples = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields = set(reader.fieldnames or [])
        if "category" not in fields or not ({"text"} <= fields or {"title", "detail"} & fields):
            raise ValueError("CSV 需要 text,category 两列（或 title,detail,category）")
        for row in reader:
            text = row.get("text") or f"{row.get('title', '')}。{row.get('detail', '')}"
            label = (row.get("category") or "").strip()
            if text.strip() and label:
                samples.append(Sample(normalise(text), label))
    return samples


def samples_from_tickets(limit: int = 200_000) -> list[Sample]:
    """Closed tickets with a category: the city's own labelled history."""
    from hotline.models import Ticket

    rows = (Ticket.objects.filter(state="closed", category__isnull=False)
            .order_by("-closed_at").values_list("title", "content", "category__full_name")[:limit])
    return [Sample(normalise(f"{t}。{c}"), label) for t, c, label in rows]


def level(label: str, depth: int) -> str:
    return "/".join(label.split("/")[:depth])


def _fit(texts: list[str], labels: list[str]):
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    keep = [i for i, label in enumerate(labels) if counts[label] >= MIN_PER_LABEL]
    if len({labels[i] for i in keep}) < 2:
        return None
    texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    docs, doc_labels = taxonomy_docs(set(labels))
    model = make_model()
    model.fit(texts + docs, labels + doc_labels)
    return model


def evaluate(model, samples: list[Sample]) -> dict:
    texts = [s.text for s in samples]
    ensure_ready()  # loading the dictionary is start-up time, not classification time
    predict_labels(model, texts[:1])  # so is the first call's one-off cost (~5 ms: lazy imports, caches)
    started = time.perf_counter()
    predicted = predict_labels(model, texts)
    elapsed = time.perf_counter() - started
    depth = max(len(s.label.split("/")) for s in samples)
    truth = [level(s.label, depth) for s in samples]
    predicted = [level(p, depth) for p in predicted]
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4),
        "samples": len(samples),
        "texts_per_second": round(len(samples) / elapsed, 1) if elapsed else None,
    }


def predict_labels(bundle_or_model, texts: list[str]) -> list[str]:
    model = bundle_or_model["level1"] if isinstance(bundle_or_model, dict) else bundle_or_model
    return list(model.predict([normalise(t) for t in texts]))


def build_bundle(samples: list[Sample], *, units: list[int | None] | None = None) -> dict:
    texts = [s.text for s in samples]
    bundle = {"level1": _fit(texts, [level(s.label, 1) for s in samples])}
    if bundle["level1"] is None:
        raise ValueError("训练数据至少需要两个类别，每类至少两条")
    deep_labels = [s.label for s in samples]
    bundle["deep"] = _fit(texts, deep_labels) if any("/" in lab for lab in deep_labels) else None
    if units:
        pairs = [(t, str(u)) for t, u in zip(texts, units, strict=True) if u]
        bundle["unit"] = _fit([t for t, _ in pairs], [u for _, u in pairs]) if pairs else None
    else:
        bundle["unit"] = None
    return bundle


def train(samples: list[Sample], *, source: str, holdout: float = 0.2, seed: int = 42,
          units: list[int | None] | None = None) -> ClassifierModel:
    """Report accuracy on a stratified held-out part, then fit on everything and store it."""
    metrics = {}
    labels1 = [level(s.label, 1) for s in samples]
    if holdout and len(samples) >= 20:
        try:
            train_part, test_part = train_test_split(samples, test_size=holdout, random_state=seed, stratify=labels1)
        except ValueError:  # a class too small to stratify
            train_part, test_part = train_test_split(samples, test_size=holdout, random_state=seed)
        held = build_bundle(train_part)
        test_level1 = [Sample(s.text, level(s.label, 1)) for s in test_part]
        metrics = {"holdout": evaluate(held, test_level1), "holdout_share": holdout}
    bundle = build_bundle(samples, units=units)
    model_dir = Path(settings.REPORTS_MODEL_DIR)
    model_dir.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        last = ClassifierModel.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        path = model_dir / f"classifier-v{version}.joblib"
        bundle["version"] = version
        joblib.dump(bundle, path, compress=3)
        row = ClassifierModel.objects.create(
            version=version, source=source[:200], samples=len(samples),
            labels=sorted(set(labels1)), metrics=metrics, path=str(path),
        )
    return row


def active_bundle() -> dict | None:
    row = ClassifierModel.objects.filter(is_active=True).order_by("-version").only("version", "path").first()
    if row is None:
        return None
    # Keyed by version and file: two databases (a test's, a re-seeded demo's) can both have a v1.
    if (_loaded["version"], _loaded.get("path")) == (row.version, row.path):
        return _loaded["bundle"]
    with _lock:
        if (_loaded["version"], _loaded.get("path")) != (row.version, row.path):
            try:
                _loaded["bundle"] = joblib.load(row.path)
            except (OSError, EOFError, ValueError):
                logger.exception("classifier model v%s cannot be loaded from %s", row.version, row.path)
                return None
            _loaded.update(version=row.version, path=row.path)
    return _loaded["bundle"]


def _ranked(model, text: str, top: int = 3) -> list[tuple[str, float]]:
    scores = np.atleast_1d(model.decision_function([text])[0])
    classes = list(model.classes_)
    if len(classes) == 2 and scores.shape[0] == 1:
        scores = np.array([-scores[0], scores[0]])
    exp = np.exp((scores - scores.max()) * 3.0)  # temperature chosen so a clear winner reads ≥ 0.8
    probs = exp / exp.sum()
    order = np.argsort(-probs)[:top]
    return [(classes[i], round(float(probs[i]), 3)) for i in order]


def suggest(text: str) -> dict:
    """Category (first level, deeper where the model knows) and unit suggestions."""
    from hotline.models import Category, Unit

    text = normalise(text)
    bundle = active_bundle() if text else None
    result = {"model_version": bundle.get("version") if bundle else None, "categories": [], "deeper": None,
              "unit": None}
    if bundle:
        ranked = _ranked(bundle["level1"], text)
        ids = dict(Category.objects.filter(full_name__in=[n for n, _ in ranked]).values_list("full_name", "pk"))
        result["categories"] = [{"label": n, "category_id": ids.get(n), "confidence": c} for n, c in ranked]
        if bundle.get("deep") is not None:
            name, conf = _ranked(bundle["deep"], text, top=1)[0]
            if ranked and name.split("/")[0] == ranked[0][0] and "/" in name:
                cat = Category.objects.filter(full_name=name).values_list("pk", flat=True).first()
                result["deeper"] = {"label": name, "category_id": cat, "confidence": conf}
        if bundle.get("unit") is not None:
            unit_id, conf = _ranked(bundle["unit"], text, top=1)[0]
            unit = Unit.objects.filter(pk=int(unit_id), is_active=True).first()
            if unit:
                result["unit"] = {"id": unit.pk, "name": unit.name, "confidence": conf, "source": "model"}
    if result["unit"] is None:
        result["unit"] = unit_from_category(result) or unit_from_keywords(text)
    return result


def unit_from_category(result: dict) -> dict | None:
    """The default unit of the suggested category (or its nearest ancestor that has one)."""
    from hotline.models import Category

    best = result.get("deeper") or (result["categories"][0] if result["categories"] else None)
    if not best or not best.get("category_id"):
        return None
    node = Category.objects.select_related("default_unit", "parent").filter(pk=best["category_id"]).first()
    while node is not None:
        if node.default_unit_id and node.default_unit.is_active:
            return {"id": node.default_unit_id, "name": node.default_unit.name,
                    "confidence": best["confidence"], "source": "category"}
        node = node.parent
    return None


def unit_from_keywords(text: str) -> dict | None:
    """No model: the unit whose duty keywords (Unit.keywords) the text mentions most."""
    from hotline.models import Unit

    if not text:
        return None
    best, hits_best = None, 0
    for unit in Unit.objects.filter(is_active=True).exclude(keywords="").only("name", "keywords"):
        hits = sum(1 for k in unit.keywords.split() if k and k in text)
        if hits > hits_best:
            best, hits_best = unit, hits
    if best is None:
        return None
    return {"id": best.pk, "name": best.name, "confidence": round(min(0.9, 0.3 + 0.15 * hits_best), 2),
            "source": "keywords"}
