"""The classifier that ships with the product: a fresh demo suggests categories and units for
real messages it was never trained on (reports/data/messages_holdout.csv)."""
import io
import json

import pytest
from django.core.management import call_command

from demo.county import build_county
from reports.intelligence import classifier, shipped
from reports.models import ClassifierModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_demo(db):
    """The county of `seed_demo` and the shipped model (trained once per data and code version;
    later tests take it from REPORTS_MODEL_DIR's cache)."""
    county = build_county()
    out = io.StringIO()
    call_command("classifier_ensure", stdout=out)
    return county, json.loads(out.getvalue().strip().splitlines()[-1])


def test_fresh_demo_suggests_the_right_first_level_category_for_unseen_messages(api, fresh_demo):
    county, model = fresh_demo
    held = classifier.read_csv(shipped.HOLDOUT_FILE)
    assert len(held) == 737 and model["holdout"]["samples"] == 737
    client = api(county.users["operator"])
    right = with_unit = 0
    for sample in held:
        response = client.get("/api/intelligence/suggest/", {"text": sample.text[:500]})
        assert response.status_code == 200
        body = response.json()
        right += body["categories"][0]["label"] == sample.label
        with_unit += body["unit"] is not None and body["unit"]["source"] == "category"
    assert right / len(held) >= 0.90
    assert with_unit == len(held)  # every first-level category of the data has a handling unit in the demo


def test_the_shipped_model_is_trained_once_and_reused(fresh_demo):
    first = ClassifierModel.objects.get(is_active=True)
    assert first.source == f"shipped:{shipped.shipped_key()}" and first.samples == 6631
    assert shipped.ensure_shipped_model() == first  # already active: nothing trained, nothing added
    ClassifierModel.objects.all().delete()
    again = shipped.ensure_shipped_model()  # a new database on the same machine: the cached file
    assert again.path == first.path and again.metrics == first.metrics


def test_a_citys_own_model_is_left_alone(fresh_demo, tmp_path):
    own = ClassifierModel.objects.create(version=99, source="closed tickets", samples=10, labels=["城乡建设"],
                                         path=ClassifierModel.objects.get().path)
    assert shipped.ensure_shipped_model() == own
