"""The monthly bulletin's 考核得分 table reads assessment.selectors.month_scores (branch h-score):
the test month of tests/assessment (September 2026, scores computed by hand there)."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from bulletins.models import BulletinTemplate, Kind
from bulletins.services import bulletin_generate
from hotline.clock import frozen_at
from tests.assessment.conftest import at, scheme, september  # noqa: F401 - fixtures
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_monthly_bulletin_prints_the_months_scores(september):  # noqa: F811
    with frozen_at(at("2026-10-02 09:00")):
        bulletin = bulletin_generate(template=BulletinTemplate.objects.get(kind=Kind.MONTHLY),
                                     period_start=dt.date(2026, 9, 1))
    with bulletin.pdf.storage.open(bulletin.pdf.name, "rb") as f:
        text = pdf_text(f.read())
    assert "2026年9月考核得分" in text and "本月考核尚未生成" not in text
    assert "61.5" in text and "31.3" in text
    with bulletin.xlsx.storage.open(bulletin.xlsx.name, "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()))["单位排名与考核得分"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "2026年9月考核得分")
    scores = {r[1]: r[2] for r in rows[start + 2:] if r[0] is not None and r[1]}
    assert scores[september["B"].name] == 61.5
    assert scores[september["A"].name] == pytest.approx(31.33)
