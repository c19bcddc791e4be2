"""The whole citizen conversation by SMS on the embedded default (local transport)."""
import datetime as dt

import pytest
from django.conf import settings

from dispatch import timers
from dispatch.models import Survey
from dispatch.services import ticket_dispatch, ticket_reply, ticket_review_approve, ticket_sign
from hotline.models import Category, Channel, Ticket, TicketState
from sms_gateway.models import Status

pytestmark = pytest.mark.django_db
CITIZEN = "13812345678"


def survey_due(survey) -> dt.datetime:
    return survey.created_at + dt.timedelta(minutes=settings.HOTLINE_SURVEY_DELAY_MINUTES + 1)


def kinds(ticket):
    return list(ticket.events.values_list("kind", flat=True))


def street_repairs() -> Category:
    """SMS tickets arrive without a category: the supervisor gives one when dispatching."""
    return Category.objects.get(full_name="城乡建设/城市建设和市政管理/基础设施")


@pytest.fixture
def serve(committed, supervisor, staff_a, unit_a):
    """Staff handle the ticket through the services: dispatch, sign, reply, then the survey goes out."""

    def run(ticket, result="已组织施工队修复塌陷路面并重新铺设沥青"):
        with committed():
            ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a, category=street_repairs())
        with committed():
            ticket_sign(ticket=ticket, actor=staff_a)
        with committed():
            ticket_reply(ticket=ticket, actor=staff_a, text=result)
        if Ticket.objects.get(pk=ticket.pk).state == TicketState.REVIEWING:  # 办结审核 (complaints)
            with committed():
                ticket_review_approve(ticket=ticket, actor=supervisor)
        survey = Survey.objects.get(ticket=ticket, state=Survey.State.PENDING)
        with committed():
            assert timers.send_due_surveys(now=survey_due(survey))  # what the timer does once the delay has passed
        return survey

    return run


def test_complaint_to_closure(text_in, phone_inbox, serve, unit_a):
    message = text_in(CITIZEN, "投诉：幸福小区门口道路塌陷，晚上很危险，请尽快修复")
    ticket = Ticket.objects.get()
    assert message.ticket == ticket and message.intake_state == "done"
    assert ticket.channel == Channel.SMS and ticket.ticket_type == "complaint"
    assert ticket.citizen.phone == CITIZEN
    receipt = phone_inbox(CITIZEN)[-1]
    assert ticket.number in receipt and f"CX{ticket.number}" in receipt

    text_in(CITIZEN, f"CX {ticket.number}")
    assert "已登记" in phone_inbox(CITIZEN)[-1]

    serve(ticket)
    inbox = phone_inbox(CITIZEN)
    assert any(unit_a.name in body for body in inbox), "dispatched-to notice"
    assert any("修复塌陷路面" in body for body in inbox), "result notice"
    assert "回复1满意" in inbox[-1], "survey"
    assert "新工单" in phone_inbox(unit_a.head_phone)[0], "unit head told of the assignment"

    text_in(CITIZEN, "1")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert "感谢您对工单" in phone_inbox(CITIZEN)[-1]
    timeline = kinds(ticket)
    assert timeline.count("sms_sent") >= 5
    assert "callback_satisfied" in timeline


def test_dissatisfied_reopens(text_in, phone_inbox, serve, unit_a):
    text_in(CITIZEN, "路灯坏了一个月没人修")
    ticket = Ticket.objects.get()
    serve(ticket, result="已更换小区路灯的灯泡和镇流器并试亮正常")
    text_in(CITIZEN, "３")  # full-width digit from a Chinese keyboard
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REOPENED
    assert "重新办理" in phone_inbox(CITIZEN)[-1]
    assert Survey.objects.get(ticket=ticket).result == "dissatisfied"


def test_followup_within_window_joins_ticket(text_in, phone_inbox):
    text_in(CITIZEN, "小区垃圾三天没人清运")
    text_in(CITIZEN, "地址是幸福路88号")
    ticket = Ticket.objects.get()
    assert "幸福路88号" in ticket.content
    assert "followup" in kinds(ticket)
    assert "已将您的补充内容加入工单" in phone_inbox(CITIZEN)[-1]


def test_followup_after_window_is_a_new_ticket(text_in, settings):
    settings.SMS_FOLLOWUP_MINUTES = 0
    text_in(CITIZEN, "第一件事")
    text_in(CITIZEN, "第二件事")
    assert Ticket.objects.count() == 2


def test_query_only_for_the_filing_phone(text_in, phone_inbox):
    text_in(CITIZEN, "噪音扰民")
    number = Ticket.objects.get().number
    text_in("13900001111", f"查询{number}")
    reply = phone_inbox("13900001111")[-1]
    assert "未查到工单" in reply and "噪音" not in reply


def test_unknown_ticket_number(text_in, phone_inbox):
    message = text_in(CITIZEN, "CX 99999999999")
    assert "未查到工单99999999999" in phone_inbox(CITIZEN)[-1]
    assert message.intake_state == "done" and Ticket.objects.count() == 0


def test_survey_answer_without_pending_survey(text_in, phone_inbox):
    message = text_in(CITIZEN, "2")
    assert "没有待评价的工单" in phone_inbox(CITIZEN)[-1]
    assert Ticket.objects.count() == 0 and message.status == Status.RECEIVED


@pytest.mark.parametrize("word", ["T", "td", "R", "退订", " 退订。"])
def test_opt_out_is_honoured_for_optional_notices(word, text_in, phone_inbox, committed, supervisor, unit_a):
    text_in(CITIZEN, "河道有人倾倒垃圾")
    ticket = Ticket.objects.get()
    text_in(CITIZEN, word)
    assert "已退订" in phone_inbox(CITIZEN)[-1]
    before = len(phone_inbox(CITIZEN))
    with committed():
        ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a, category=street_repairs())
    assert len(phone_inbox(CITIZEN)) == before, "no dispatched-to notice after opt-out"
    assert phone_inbox(unit_a.head_phone), "staff notices are not affected"
    text_in(CITIZEN, f"CX{ticket.number}")
    assert len(phone_inbox(CITIZEN)) == before + 1, "a query still gets its answer"


def test_empty_and_huge_texts(text_in, phone_inbox):
    empty = text_in(CITIZEN, "   ")
    assert empty.intake_state == "done" and "内容为空" in phone_inbox(CITIZEN)[-1]
    huge = text_in("13700000000", "很长的诉求" * 400)  # 2,000 characters
    ticket = Ticket.objects.get()
    assert huge.body == "很长的诉求" * 400
    assert huge.ticket == ticket and len(ticket.content) <= 5000


def test_unparseable_text_still_becomes_a_ticket(text_in):
    text_in(CITIZEN, "？？？###@@@")
    assert Ticket.objects.get().ticket_type == "consultation"
    text_in("13600000000", "\ufffd\ufffd乱码")
    assert Ticket.objects.count() == 2


def test_sender_that_is_not_a_mobile_is_kept(text_in):
    message = text_in("10086", "广告")
    assert message.intake_state == "failed" and "不是手机号" in message.intake_note
    assert Ticket.objects.count() == 0


def test_the_survey_is_sent_once(text_in, phone_inbox, serve, unit_a):
    text_in(CITIZEN, "公交站牌损坏")
    ticket = Ticket.objects.get()
    survey = serve(ticket)
    count = len(phone_inbox(CITIZEN))
    assert timers.send_due_surveys(now=survey_due(survey)) == []
    assert len(phone_inbox(CITIZEN)) == count
    assert kinds(ticket).count("survey_sent") == 1


def test_reopened_then_closed_in_one_conversation(text_in, phone_inbox, serve):
    text_in(CITIZEN, "工地夜间施工，噪音扰民")
    ticket = Ticket.objects.get()
    assert ticket.ticket_type == "complaint" and ticket.number in phone_inbox(CITIZEN)[-1]
    serve(ticket, result="已责令施工单位夜间停工并现场核查落实")
    text_in(CITIZEN, "不满意")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REOPENED and ticket.reopen_count == 1
    text_in(CITIZEN, f"cx{ticket.number}")
    assert "重新办理" in phone_inbox(CITIZEN)[-1]
    serve(ticket, result="已依法处罚施工单位并督促安装隔音屏障")
    assert "隔音屏障" in "".join(phone_inbox(CITIZEN))
    text_in(CITIZEN, "满意")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert [s.result for s in Survey.objects.filter(ticket=ticket).order_by("id")] == ["dissatisfied", "satisfied"]
