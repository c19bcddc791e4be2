"""/knowledge/stats/: 直接答复率, 知识库命中率 and 知识点引用率 per operator and per category, and
each point's uses, for a date range; centre staff only."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hotline.models import Category, Channel
from hotline.services import tickets as ts
from knowledge import stats
from knowledge.services import use as uses
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the grouped counts on PostgreSQL too


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def consultation(actor, *, category=None, answer="", point=None, ticket_type="consultation"):
    ticket = ts.ticket_register(actor=actor, channel=Channel.PHONE, ticket_type=ticket_type, content="咨询公积金提取",
                                citizen_phone="13812345678", category=category)
    if answer:
        ticket = ts.ticket_answer_directly(ticket=ticket, actor=actor, answer=answer)
        if point is not None:
            uses.use_answered(ticket=ticket, point_id=point.pk, actor=actor)
    return ticket


@pytest.fixture
def calls(kb, operator):
    """Operator 小张: 4 consultations, 3 answered directly, 2 of them from a point (and a
    complaint, not counted). Operator 小王: 2 consultations, 1 answered from a point."""
    other = make_user("operator2", "operator", display_name="话务员小王")
    fund, leaf = kb.fund, Category.objects.filter(level=3).order_by("pk").first()
    consultation(operator, category=leaf, answer="按规定办理", point=fund)
    consultation(operator, category=leaf, answer="按规定办理", point=fund)
    consultation(operator, category=leaf, answer="另行答复")
    consultation(operator, category=leaf)
    consultation(operator, ticket_type="complaint")
    consultation(other, answer="按规定办理", point=kb.baby)
    consultation(other)
    uses.use_not_helpful(point_id=fund.pk, actor=operator, query="公积金")
    uses.use_portal_view(point=fund)
    return {"operator": operator, "other": other, "leaf": leaf}


def today_range() -> dict:
    today = timezone.localdate()
    return {"date_from": today - dt.timedelta(days=1), "date_to": today}


def test_rates_per_operator_and_category(calls):
    totals = stats.answer_totals(**today_range())
    assert (totals.consultations, totals.direct, totals.from_point) == (6, 4, 3)
    assert (totals.direct_rate, totals.hit_rate, totals.point_share) == (66.7, 50.0, 75.0)
    by_operator = {r.label: r for r in stats.answer_rates(**today_range(), by="operator")}
    zhang, wang = by_operator["话务员小张"], by_operator["话务员小王"]
    assert (zhang.consultations, zhang.direct, zhang.from_point, zhang.direct_rate, zhang.hit_rate) == (4, 3, 2, 75.0,
                                                                                                        50.0)
    assert (wang.consultations, wang.direct, wang.from_point, wang.hit_rate) == (2, 1, 1, 50.0)
    by_category = {r.label: r for r in stats.answer_rates(**today_range(), by="category")}
    assert (by_category[calls["leaf"].full_name].consultations, by_category["（未分类）"].consultations) == (4, 2)


def test_each_points_use_counts(calls, kb):
    rows = {row["point"]: row for row in stats.point_use_counts(**today_range())}
    fund = rows[kb.fund.pk]
    assert (fund["answered"], fund["not_helpful"], fund["portal"], fund["sms"], fund["total"]) == (2, 1, 1, 0, 4)
    assert rows[kb.baby.pk]["answered"] == 1 and kb.internal.pk not in rows


def test_a_range_without_the_calls_is_empty(calls):
    before = timezone.localdate() - dt.timedelta(days=10)
    totals = stats.answer_totals(date_from=before, date_to=before)
    assert totals.consultations == 0 and totals.direct_rate is None
    assert stats.point_use_counts(date_from=before, date_to=before) == []


def test_the_page_for_the_centre(calls, supervisor, operator, leader):
    for person in (supervisor, operator, leader):
        r = signed_in(person).get("/knowledge/stats/")
        html = r.content.decode()
        assert r.status_code == 200 and "知识库命中率" in html and "话务员小王" in html
        assert 'id="hit-rate">50.0%' in html and "住房公积金提取条件和办理流程" in html


def test_the_page_refuses_units_and_strangers(calls, staff_a, client):
    assert signed_in(staff_a).get("/knowledge/stats/").status_code == 403
    assert client.get("/knowledge/stats/").status_code == 302


@pytest.mark.parametrize("query, message", [
    ({"date_from": "2026-13-01"}, "请输入正确的日期"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "开始日期不能晚于结束日期"),
    ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "统计区间最长"),
])
def test_bad_ranges_are_said(supervisor, query, message):
    r = signed_in(supervisor).get("/knowledge/stats/", query)
    assert r.status_code == 400 and message in r.content.decode()


def test_the_reports_navigation_links_the_page(supervisor):
    assert 'href="/knowledge/stats/"' in signed_in(supervisor).get("/reports/").content.decode()
