"""A unit's 已办 list and the search of its own tickets: never another unit's ticket."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as d
from hotline.models import Ticket
from tests import factories as f

pytestmark = pytest.mark.django_db


def ticket_for(people, lead: str, title: str, *, co: str | None = None) -> Ticket:
    """A ticket led by the unit of people[lead] (and co-unit people[co]), in hand."""
    ticket = f.registered(people, title=title)
    co_units = [people[co].unit] if co else []
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people[lead].unit, co_units=co_units)
    d.ticket_sign(ticket=ticket, actor=people[lead])
    return f.fresh(ticket)


def reply(people, ticket, who: str, text="已联系相关单位现场处置完毕，并电话告知市民处理结果") -> None:
    """The unit replies (and, the factories' complaints being reviewed, the office approves)."""
    d.ticket_reply(ticket=ticket, actor=people[who], text=text, confirm_absent_co_units=True)
    if f.fresh(ticket).state == "reviewing":
        d.ticket_review_approve(ticket=ticket, actor=people["supervisor"])


def page(web, user, path: str) -> str:
    response = web(user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_done_lists_the_units_replied_and_closed_tickets_newest_first(web, people):
    first = ticket_for(people, "staff_a", "第一件：路灯不亮")
    second = ticket_for(people, "staff_a", "第二件：井盖缺失")
    in_hand = ticket_for(people, "staff_a", "第三件：仍在办理")
    reply(people, first, "staff_a")
    reply(people, second, "staff_a")
    d.survey_record(ticket=first, result="satisfied", actor=people["operator"])
    html = page(web, people["staff_a"], "/unit/done/")
    assert html.index("第二件：井盖缺失") < html.index("第一件：路灯不亮")  # newest first
    assert "已办结" in html and in_hand.title not in html
    assert "第二件" not in page(web, people["staff_a"], "/unit/")  # no longer in 待办


def test_a_co_units_closed_part_leaves_its_inbox_for_its_done_list(web, people):
    ticket = ticket_for(people, "staff_a", "协办件：道路塌陷", co="staff_b")
    assert "协办件：道路塌陷" in page(web, people["staff_b"], "/unit/")
    reply(people, ticket, "staff_a")
    d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"])
    assert "协办件：道路塌陷" not in page(web, people["staff_b"], "/unit/")
    done = page(web, people["staff_b"], "/unit/done/")
    assert "协办件：道路塌陷" in done and "未答复，已结束" in done


def test_done_never_shows_another_units_tickets(web, people):
    mine = ticket_for(people, "staff_b", "交通局的件")
    reply(people, mine, "staff_b")
    assert "交通局的件" not in page(web, people["staff_a"], "/unit/done/")
    assert "交通局的件" in page(web, people["staff_b"], "/unit/done/")


def test_done_is_paginated(web, people, monkeypatch):
    monkeypatch.setattr("web.views.unit.PAGE_SIZE", 2)
    for n in range(3):
        reply(people, ticket_for(people, "staff_a", f"分页件{n}"), "staff_a")
    first = page(web, people["staff_a"], "/unit/done/")
    assert "分页件2" in first and "分页件1" in first and "分页件0" not in first and "第 1 / 2 页" in first
    assert "分页件0" in page(web, people["staff_a"], "/unit/done/?page=2")


def test_search_finds_the_units_own_tickets_by_number_words_and_date(web, people):
    lamp = ticket_for(people, "staff_a", "幸福小区 路灯 不亮")
    ticket_for(people, "staff_a", "幸福小区 井盖缺失")
    a = people["staff_a"]
    by_number = page(web, a, f"/unit/search/?q={lamp.number}")
    assert "路灯" in by_number and "井盖" not in by_number
    by_words = page(web, a, "/unit/search/?q=幸福小区+路灯")
    assert "路灯" in by_words and "井盖" not in by_words
    today = timezone.localdate()
    assert "路灯" in page(web, a, f"/unit/search/?date_from={today}&date_to={today}")
    tomorrow = today + dt.timedelta(days=1)
    assert "没有符合条件的工单" in page(web, a, f"/unit/search/?date_from={tomorrow}")


def test_search_never_finds_another_units_ticket_even_by_its_number(web, people):
    theirs = ticket_for(people, "staff_b", "交通局的秘密件")
    a = people["staff_a"]
    assert "交通局的秘密件" not in page(web, a, f"/unit/search/?q={theirs.number}")
    assert "交通局的秘密件" not in page(web, a, "/unit/search/?q=秘密件")
    assert "交通局的秘密件" not in page(web, a, "/unit/search/")
    assert "交通局的秘密件" in page(web, people["staff_b"], "/unit/search/?q=秘密件")


def test_search_explains_bad_dates(web, people):
    a = people["staff_a"]
    html = page(web, a, "/unit/search/?date_from=2026-13-45")
    assert "请输入有效日期" in html and 'id="results"' not in html
    html = page(web, a, "/unit/search/?date_from=2026-05-02&date_to=2026-05-01")
    assert "结束日期不能早于开始日期" in html
    long = page(web, a, "/unit/search/?q=" + "长" * 101)
    assert "has-error" in long


@pytest.mark.parametrize("path", ["/unit/done/", "/unit/search/"])
def test_only_unit_staff_open_these_pages(web, people, path):
    assert web(people["supervisor"]).get(path).status_code == 403
    assert web(people["leader"]).get(path).status_code == 403
    assert web().get(path).status_code == 302
