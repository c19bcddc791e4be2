"""Publishing a closed ticket as a public case: who may, which tickets, what text reaches the public."""
import datetime as dt

import pytest
from django.utils import timezone

from cases import selectors, services
from cases.models import PublishedCase
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import TicketEvent

pytestmark = pytest.mark.django_db


def publish(ticket, actor, **texts):
    texts = {"title": "路灯维修", "summary": "市民反映路灯不亮", "answer": "已修复"} | texts
    return services.case_publish(ticket=ticket, actor=actor, **texts)


def test_supervisor_publishes_a_closed_ticket_with_an_event(close_ticket, supervisor, unit_a):
    ticket = close_ticket()
    case = publish(ticket, supervisor)
    assert case.state == PublishedCase.State.PUBLISHED and case.unit_name == unit_a.name
    assert case.closed_at == ticket.closed_at and case.published_by == supervisor
    event = TicketEvent.objects.filter(ticket=ticket).latest("id")
    assert event.kind == "case_published" and event.actor == supervisor and event.payload["title"] == "路灯维修"
    assert list(selectors.published_cases()) == [case]


@pytest.mark.parametrize("who", ["operator", "leader", "staff_a", "display"])
def test_only_the_office_may_publish(close_ticket, people, who):
    with pytest.raises(NotAllowed):
        publish(close_ticket(), people[who])
    assert not PublishedCase.objects.exists()


def test_open_and_report_tickets_cannot_be_published(close_ticket, supervisor, operator):
    from hotline.services.tickets import ticket_register

    with pytest.raises(Conflict):
        publish(ticket_register(actor=operator, channel="phone", ticket_type="help", content="尚未办结"), supervisor)
    with pytest.raises(Conflict):
        publish(close_ticket(ticket_type="report"), supervisor)
    assert not PublishedCase.objects.exists()


def test_reviewer_text_is_scrubbed_again(close_ticket, supervisor):
    ticket = close_ticket(address="幸福路88号")
    case = publish(ticket, supervisor, title="张三丰反映路灯不亮",
                   summary="张三丰（电话13812345678）住幸福路88号，身份证330102199001011234",
                   answer="已联系张三丰，回电13999998888")
    text = case.title + case.summary + case.answer
    for secret in ("张三丰", "13812345678", "幸福路88号", "330102199001011234", "13999998888"):
        assert secret not in text
    assert "张某" in case.title


@pytest.mark.parametrize("texts, field", [
    ({"title": ""}, "title"), ({"title": "   "}, "title"), ({"summary": ""}, "summary"),
    ({"title": "长" * 61}, "title"), ({"summary": "长" * 1001}, "summary"), ({"answer": "长" * 2001}, "answer"),
    ({"title": "13812345678"}, "title"),  # nothing left once the phone is removed
])
def test_bad_texts_are_refused(close_ticket, supervisor, texts, field):
    with pytest.raises(InvalidInput) as error:
        publish(close_ticket(), supervisor, **texts)
    assert error.value.field == field and not PublishedCase.objects.exists()


def test_republish_replaces_the_text_and_withdraw_hides_it(close_ticket, supervisor):
    ticket = close_ticket()
    publish(ticket, supervisor)
    publish(ticket, supervisor, title="路灯已修好")
    assert PublishedCase.objects.get().title == "路灯已修好"
    services.case_withdraw(ticket=ticket, actor=supervisor, reason="市民要求不公开")
    case = PublishedCase.objects.get()
    assert case.state == PublishedCase.State.WITHDRAWN and case.withdraw_reason == "市民要求不公开"
    assert not selectors.published_cases().exists()
    kinds = list(TicketEvent.objects.filter(ticket=ticket, kind__startswith="case_").values_list("kind", flat=True))
    assert kinds == ["case_published", "case_updated", "case_withdrawn"]
    with pytest.raises(Conflict):
        services.case_withdraw(ticket=ticket, actor=supervisor)
    publish(ticket, supervisor)  # and back again
    assert selectors.published_cases().count() == 1


def test_withdraw_needs_the_office(close_ticket, supervisor, operator):
    ticket = close_ticket()
    publish(ticket, supervisor)
    with pytest.raises(NotAllowed):
        services.case_withdraw(ticket=ticket, actor=operator)


def test_search_by_words_category_and_month(close_ticket, supervisor, two_roots):
    lamp = publish(close_ticket(category=two_roots[0]), supervisor, title="路灯不亮", summary="东门路灯坏了")
    noise = publish(close_ticket(category=two_roots[1]), supervisor, title="夜间施工噪音", summary="工地施工扰民")
    PublishedCase.objects.filter(pk=noise.pk).update(closed_at=timezone.now() - dt.timedelta(days=62))
    assert list(selectors.case_search(words="路灯")) == [lamp]
    assert list(selectors.case_search(words="施工 扰民")) == [PublishedCase.objects.get(pk=noise.pk)]
    assert not selectors.case_search(words="路灯 扰民").exists()
    assert list(selectors.case_search(category_id=two_roots[1].root_id)) == [PublishedCase.objects.get(pk=noise.pk)]
    this_month = timezone.localtime(lamp.closed_at).strftime("%Y-%m")
    assert list(selectors.case_search(month=this_month)) == [lamp]
    assert selectors.case_search(month="2026-13").count() == 2  # not a month: no filter
    assert selectors.case_months()[0] == this_month and len(selectors.case_months()) == 2
    assert {c.pk for c in selectors.case_categories()} == {leaf.root_id for leaf in two_roots}


@pytest.mark.parametrize("month", ["", "2026", "2026-1", "2026-00", "2026-13", "1999-05", "abcd-ef", "2026-05x"])
def test_month_range_takes_only_real_months(month):
    assert selectors.month_range(month) is None


def test_month_range_is_local_time():
    start, end = selectors.month_range("2026-12")
    assert (start.year, start.month, end.year, end.month) == (2026, 12, 2027, 1)
    assert start.utcoffset() == dt.timedelta(hours=8)


def test_draft_is_scrubbed_and_uses_the_lead_reply(close_ticket):
    ticket = close_ticket(content="我是张三丰，电话13812345678，东门路灯不亮", reply="已修复，联系人13999998888")
    draft = selectors.case_draft(ticket)
    assert "路灯" in draft["summary"] and "已修复" in draft["answer"]
    for secret in ("张三丰", "13812345678", "13999998888"):
        assert secret not in draft["title"] + draft["summary"] + draft["answer"]
