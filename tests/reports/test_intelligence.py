"""Classifier, hot topics and duplicate detection."""
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from sklearn.model_selection import StratifiedKFold, train_test_split

from hotline.models import Unit
from reports.intelligence import classifier, duplicates, hot_topics
from reports.models import ClassifierModel

from .factories import make_ticket

SAMPLE = Path(settings.BASE_DIR) / "hotline" / "data" / "sample_messages.csv"


@pytest.fixture
def model_dir(settings, tmp_path):
    settings.REPORTS_MODEL_DIR = tmp_path / "models"
    classifier._loaded.update(version=None, bundle=None)
    yield settings.REPORTS_MODEL_DIR
    classifier._loaded.update(version=None, bundle=None)


@pytest.fixture
def split_files(tmp_path):
    """A stratified 80/20 split of the sample messages, as text,category CSVs."""
    with open(SAMPLE, encoding="utf-8") as f:
        rows = [(f"{r['title']}。{r['detail']}", r["category"]) for r in csv.DictReader(f)]
    train, test = train_test_split(rows, test_size=0.2, random_state=7, stratify=[c for _, c in rows])
    paths = {}
    for name, part in (("train", train), ("test", test)):
        paths[name] = tmp_path / f"{name}.csv"
        with open(paths[name], "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["text", "category"])
            writer.writerows(part)
    return paths


@pytest.mark.django_db
def test_train_and_evaluate_on_a_stratified_split(model_dir, split_files):
    out = io.StringIO()
    call_command("classifier_train", str(split_files["train"]), stdout=out)
    trained = json.loads(out.getvalue())
    assert trained["version"] == 1 and trained["labels"] == 7
    assert Path(trained["path"]).exists()
    out = io.StringIO()
    call_command("classifier_eval", str(split_files["test"]), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    # 396 training texts over 7 classes: 0.869 / 0.834 on this split (the model before the title
    # features, balanced weights and taxonomy documents: 0.818 / 0.805); docs/REPORTS.md has the figures.
    assert result["accuracy"] >= 0.84 and result["macro_f1"] >= 0.80
    assert result["samples"] == 99


@pytest.mark.django_db
def test_cross_validated_accuracy_on_the_sample():
    """5-fold stratified CV over all 495 messages, as bench/reports/classifier_cv.py does it."""
    samples = classifier.read_csv(SAMPLE)
    labels = [s.label for s in samples]
    accuracy, macro_f1 = [], []
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(samples, labels):
        model = classifier.build_bundle([samples[i] for i in train_idx])["level1"]
        result = classifier.evaluate(model, [samples[i] for i in test_idx])
        accuracy.append(result["accuracy"])
        macro_f1.append(result["macro_f1"])
    # Measured 0.861 / 0.849 (min fold 0.798); the previous model 0.814 / 0.794.
    assert sum(accuracy) / 5 >= 0.84 and sum(macro_f1) / 5 >= 0.82
    assert min(accuracy) >= 0.77


def test_taxonomy_documents_only_for_trained_categories():
    docs, labels = classifier.taxonomy_docs({"教育文体", "环境保护"})
    assert set(labels) == {"教育文体", "环境保护"} and len(docs) == len(labels)
    # deeper training labels take the entries under them; the rest of the tree stays out
    docs, labels = classifier.taxonomy_docs({"城乡建设/安全生产", "城乡建设/安全生产/事故处理"})
    assert labels.count("城乡建设/安全生产/事故处理") == 1 and "城乡建设" not in labels
    assert set(labels) == {"城乡建设/安全生产", "城乡建设/安全生产/事故处理"}
    assert classifier.taxonomy_docs({"不在分类树里"}) == ([], [])


@pytest.mark.django_db
def test_model_never_predicts_a_category_it_was_not_trained_on():
    samples = [s for s in classifier.read_csv(SAMPLE) if s.label in ("教育文体", "环境保护", "交通运输")]
    model = classifier.build_bundle(samples[::2])["level1"]
    assert set(model.classes_) == {"教育文体", "环境保护", "交通运输"}
    predicted = classifier.predict_labels(model, ["医院乱收费", "小区物业不作为", "拖欠农民工工资"])
    assert set(predicted) <= set(model.classes_)


@pytest.mark.django_db
def test_models_are_versioned(model_dir, split_files):
    call_command("classifier_train", str(split_files["train"]), stdout=io.StringIO())
    call_command("classifier_train", str(split_files["train"]), "--holdout", "0", stdout=io.StringIO())
    assert list(ClassifierModel.objects.values_list("version", flat=True)) == [2, 1]
    assert classifier.active_bundle()["version"] == 2


@pytest.mark.django_db
def test_eval_without_a_model_fails_clearly(model_dir, split_files):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="classifier_train"):
        call_command("classifier_eval", str(split_files["test"]))


@pytest.mark.django_db
def test_bad_csv_is_a_clear_error(model_dir, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="text,category"):
        call_command("classifier_train", str(bad))


def test_suggest_api_without_a_model_still_answers(api, operator, model_dir, unit_a):
    Unit.objects.filter(pk=unit_a.pk).update(keywords="物业 小区 房屋")
    response = api(operator).get("/api/intelligence/suggest/", {"text": "小区物业乱收费"})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] is None and body["categories"] == []
    assert body["unit"]["id"] == unit_a.pk and body["unit"]["source"] == "keywords"


def test_suggest_api_with_a_model(api, operator, model_dir, split_files):
    call_command("classifier_train", str(split_files["train"]), "--holdout", "0", stdout=io.StringIO())
    response = api(operator).get("/api/intelligence/suggest/", {"text": "小学入学学位不足，孩子无法就近入学"})
    body = response.json()
    assert body["model_version"] == 1
    assert body["categories"][0]["label"] == "教育文体"
    assert 0 < body["categories"][0]["confidence"] <= 1
    assert body["categories"][0]["category_id"] is not None  # maps onto the taxonomy


def test_suggest_api_input_and_roles(api, operator, display_device):
    assert api(operator).get("/api/intelligence/suggest/").status_code == 400
    assert api(operator).get("/api/intelligence/suggest/", {"text": "字" * 3000}).status_code == 400
    assert api(display_device).get("/api/intelligence/suggest/", {"text": "路灯"}).status_code == 403
    assert api().get("/api/intelligence/suggest/", {"text": "路灯"}).status_code in (401, 403)


def test_classifier_throughput(model_dir, split_files, db):
    call_command("classifier_train", str(split_files["train"]), "--holdout", "0", stdout=io.StringIO())
    samples = classifier.read_csv(split_files["test"]) * 5
    result = classifier.evaluate(classifier.active_bundle()["level1"], samples)
    # ≥ 2,000 texts/s on a quiet machine (bench/README.md); here only a floor, as CI cores are shared.
    assert result["texts_per_second"] >= 200


def test_duplicates_same_caller_and_similar_text(api, operator, unit_a):
    mine = make_ticket(created="2025-03-03 09:00", title="幸福小区路灯不亮", content="幸福小区东门路灯不亮一周了",
                       phone="13811112222", address="人民路幸福小区东门", state="dispatched", lead_unit=unit_a)
    other = make_ticket(created="2025-03-03 10:00", title="幸福小区东门路灯坏了", content="晚上很黑",
                        phone="13933334444", address="人民路幸福小区", state="registered")
    make_ticket(created="2025-03-03 11:00", title="学校收费问题", content="乱收费", phone="13955556666",
                state="registered")
    closed = make_ticket(created="2025-03-03 09:30", title="幸福小区路灯不亮", content="已修好",
                         phone="13811112222", state="closed")
    from django.utils import timezone

    from hotline.models import Ticket
    Ticket.objects.update(created_at=timezone.now() - dt.timedelta(days=1))
    response = api(operator).get("/api/intelligence/duplicates/",
                                 {"text": "幸福小区路灯不亮", "phone": "138-1111-2222", "address": "幸福小区东门"})
    assert response.status_code == 200
    results = response.json()["results"]
    numbers = [r["number"] for r in results]
    assert numbers[0] == mine.number and "同一来电人" in results[0]["reasons"]
    assert other.number in numbers
    assert closed.number not in numbers  # closed tickets are not merge targets
    assert "学校" not in json.dumps(results, ensure_ascii=False)


def test_duplicates_bad_input(api, operator, staff_a):
    nothing = api(operator).get("/api/intelligence/duplicates/")  # nothing typed yet: nothing to compare
    assert nothing.status_code == 200 and nothing.json() == {"results": []}
    assert api(operator).get("/api/intelligence/duplicates/", {"text": "路灯", "exclude": "x"}).status_code == 400
    assert api(staff_a).get("/api/intelligence/duplicates/", {"text": "路灯"}).status_code == 403


def test_duplicate_scores():
    assert duplicates.dice(duplicates.bigrams("路灯不亮"), duplicates.bigrams("路灯不亮")) == 1
    assert duplicates.dice(duplicates.bigrams("路灯不亮"), duplicates.bigrams("学校收费")) == 0


def test_hot_topics_rise_against_the_baseline(db):
    today = dt.date(2025, 3, 20)
    # baseline weeks: parking complaints steady; this week: a burst about 井盖
    for d in range(8, 36, 3):
        make_ticket(created=f"{today - dt.timedelta(days=d)} 10:00", title="小区停车难", content="停车位不足",
                    area="A3区")
    for i in range(6):
        make_ticket(created=f"{today - dt.timedelta(days=i % 3)} 1{i}:00", title="人民路井盖缺失",
                    content="井盖丢失很危险", area="A3区")
    make_ticket(created=f"{today} 09:00", title="小区停车难", content="停车位不足", area="A3区")
    days = [today - dt.timedelta(days=i) for i in range(40)]
    hot_topics.refresh_days(days)
    rows = hot_topics.rising(days=7, end=today, limit=5)
    top = {r["term"]: r for r in rows if r["count"] == 6 and r["trend"] == "new"}
    assert "井盖" in top  # the burst's terms lead (井盖, 缺失, 丢失 … all six tickets)
    assert all(r["term"] != "停车" for r in rows[:3])
    assert hot_topics.rising(days=7, end=today, area="A9区") == []
    behind = hot_topics.tickets_for("井盖", days=7, end=today)
    assert len(behind) == 6
