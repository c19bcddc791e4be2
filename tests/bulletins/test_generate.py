"""A bulletin made for a known set of tickets: Chinese PDF text with its counts and unit names,
an xlsx whose cells hold the same numbers, one row per template and period, no citizen's data."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from bulletins.models import Bulletin, BulletinTemplate, Kind
from bulletins.services import bulletin_generate
from hotline.clock import frozen_at
from hotline.errors import InvalidInput, NotAllowed
from reports import rollup
from tests.pdf import pdf_text
from tests.reports.factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]


def template(kind: str) -> BulletinTemplate:
    return BulletinTemplate.objects.get(kind=kind)  # the defaults of migration 0002


def make(kind: str, day: str) -> Bulletin:
    with frozen_at(at("2025-04-02 08:00")):
        rollup.refresh(full=True)
        return bulletin_generate(template=template(kind), period_start=dt.date.fromisoformat(day))


def data(field) -> bytes:
    with field.storage.open(field.name, "rb") as f:
        return f.read()


def sheet_rows(bulletin: Bulletin, name: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data(bulletin.xlsx)))
    return [tuple(c for c in row) for row in book[name].iter_rows(values_only=True)]


def find(rows: list[tuple], first: str) -> tuple:
    return next(r for r in rows if r and r[0] == first)


def test_daily_bulletin_pdf_and_xlsx(week):
    bulletin = make(Kind.DAILY, "2025-03-03")
    assert (bulletin.period_start, bulletin.period_end) == (dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    assert bulletin.figures == {"received": 4, "dispatched": 3, "closed": 2}
    text = pdf_text(data(bulletin.pdf))
    assert "12345热线工作日报" in text and "2025年3月3日" in text
    assert "本期共受理群众诉求4件" in text and "已办结2件" in text
    assert "县交通运输局" in text  # the red-light unit (B1 overdue since 4 March)
    rows = sheet_rows(bulletin, "受理量")
    assert find(rows, "受理量")[1] == 4 and find(rows, "办结量")[1] == 2 and find(rows, "交办量")[1] == 3
    channels = dict(r[:2] for r in sheet_rows(bulletin, "来源渠道") if r and isinstance(r[1], int))
    assert channels["网站"] == 1 and sum(channels.values()) == 4
    red = dict(r[:2] for r in sheet_rows(bulletin, "红灯单位") if r and isinstance(r[1], int))
    assert red == {"县交通运输局": 2}  # as the bulletin is made (2 April): B1 and B2 are both overdue


def test_weekly_bulletin_counts_the_iso_week(week, settings):
    settings.REPORTS_RANKING_MIN_DUE = 1
    bulletin = make(Kind.WEEKLY, "2025-03-06")
    assert (bulletin.period_start, bulletin.period_end) == (dt.date(2025, 3, 3), dt.date(2025, 3, 9))
    assert bulletin.figures["received"] == 5
    text = pdf_text(data(bulletin.pdf))
    assert "12345热线工作周报" in text and "本期共受理群众诉求5件" in text
    trend = [r for r in sheet_rows(bulletin, "受理量") if r and isinstance(r[0], str) and r[0].startswith("2025-03")]
    assert [r[1] for r in trend] == [4, 0, 1, 0, 0, 0, 0]
    assert "县住房和城乡建设局" in text  # the ranking and its chart


def test_monthly_bulletin_with_ranking_and_no_scores_yet(week):
    bulletin = make(Kind.MONTHLY, "2025-03-15")
    assert (bulletin.period_start, bulletin.period_end) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    text = pdf_text(data(bulletin.pdf))
    assert "12345热线工作月报" in text and "2025年3月" in text and "本期共受理群众诉求5件" in text
    assert "本月考核尚未生成" in text
    ranking = sheet_rows(bulletin, "单位排名与考核得分")
    assert tuple(v for v in find(ranking, "本月考核尚未生成") if v is not None) == ("本月考核尚未生成",)
    kpis = sheet_rows(bulletin, "办理质效指标")
    closure = find(kpis, "办结率")
    assert closure[2:] == (2, 4)  # 办结率 = closed dispatched ÷ dispatched (A1, A2 of A1, A2, B1, B2)
    assert closure[1] == pytest.approx(0.5)


def test_regenerating_replaces_the_same_row(week, committed):
    first = make(Kind.DAILY, "2025-03-03")
    old_name = first.pdf.name
    with committed():
        second = make(Kind.DAILY, "2025-03-03")
    assert second.pk == first.pk and second.revision == 2
    assert Bulletin.objects.filter(template=template(Kind.DAILY)).count() == 1
    assert second.pdf.name and second.pdf.storage.exists(second.pdf.name)
    assert old_name == second.pdf.name or not second.pdf.storage.exists(old_name)


def test_no_citizen_name_or_phone_in_the_files(week, supervisor):
    from cases.services import case_publish

    closed = week[0]
    with frozen_at(at("2025-03-05 09:00")):
        case_publish(ticket=closed, actor=supervisor, title="张三反映小区路灯不亮",
                     summary="市民张三（13800000001）反映小区门口路灯不亮", answer="住建局已修复路灯")
    bulletin = make(Kind.WEEKLY, "2025-03-03")
    text = pdf_text(data(bulletin.pdf))
    assert "典型案例" in text and "住建局已修复路灯" in text
    book = load_workbook(io.BytesIO(data(bulletin.xlsx)))
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)
    for secret in ("张三", "李四", "13800000001", "13800000002"):
        assert secret not in text
        assert secret not in cells


def test_only_the_centre_generates_and_not_a_future_period(week, staff_a, supervisor):
    with pytest.raises(NotAllowed):
        bulletin_generate(template=template(Kind.DAILY), period_start=dt.date(2025, 3, 3), actor=staff_a)
    with frozen_at(at("2025-03-03 08:00")), pytest.raises(InvalidInput):
        bulletin_generate(template=template(Kind.DAILY), period_start=dt.date(2025, 3, 4), actor=supervisor)
    assert not Bulletin.objects.exists()
