"""挂起 by SMS (issue 16, items 4 and 7): the citizen is told why the ticket waits and that a
reply resumes it, and of the new deadline when it resumes; the unit head hears the decision and
the resumption; the citizen's text back resumes the ticket (recorded as a follow-up)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dispatch.models import Suspension
from dispatch.services import (
    ticket_dispatch,
    ticket_resume,
    ticket_sign,
    ticket_suspension_decide,
    ticket_suspension_request,
)
from hotline.clock import frozen_at
from hotline.models import Category, Ticket, TicketEvent
from hotline.services.tickets import ticket_register
from sms_gateway.ticket_sms import local_time

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def handled(operator, supervisor, staff_a, committed):
    with committed(), frozen_at(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH)):
        ticket = ticket_register(actor=operator, channel="phone", ticket_type="complaint",
                                 content="小区违建，需核实产权", citizen_phone=PHONE, citizen_name="张三",
                                 category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))
        ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=staff_a.unit)
        ticket_sign(ticket=ticket, actor=staff_a)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def suspend(staff_a, supervisor, committed):
    def run(ticket, *, approve=True, note=""):
        with committed(), frozen_at(dt.datetime(2026, 11, 4, 10, 0, tzinfo=SH)):
            ticket_suspension_request(ticket=ticket, actor=staff_a, reason_kind="citizen_materials",
                                      reason="请市民提供房屋产权证明复印件", expected_days=5)
            ticket_suspension_decide(ticket=ticket, actor=supervisor, approve=approve, note=note)
        return Ticket.objects.get(pk=ticket.pk)
    return run


def test_approval_tells_the_citizen_why_and_that_a_reply_resumes_and_tells_the_unit_head(
        handled, suspend, phone_inbox, unit_a):
    suspend(handled)
    assert phone_inbox(PHONE)[-1] == (
        f"您的工单{handled.number}因等待市民补充材料暂缓办理，暂缓期间不计办理时限。"
        "情况具备后（如材料已备齐），请直接回复本短信说明，工单将恢复办理。")
    head = phone_inbox(unit_a.head_phone)[-1]
    assert head.startswith(f"{unit_a.name}：工单{handled.number}") and "挂起申请已同意" in head
    assert "最迟11月18日10:00自动恢复办理" in head  # ten working days on (the default maximum)


def test_a_refusal_tells_the_unit_head_why_and_the_citizen_nothing(handled, suspend, phone_inbox, unit_a):
    heard = len(phone_inbox(PHONE))
    suspend(handled, approve=False, note="产权可由单位向不动产中心调取")
    assert len(phone_inbox(PHONE)) == heard
    assert phone_inbox(unit_a.head_phone)[-1] == (
        f"{unit_a.name}：工单{handled.number}「小区违建，需核实产权」挂起申请未获同意（产权可由单位向不动产中心调取），"
        f"请于{local_time(handled.due_at)}前办结。")


def test_a_supervisor_resuming_tells_the_citizen_and_the_unit_the_new_deadline(
        handled, suspend, supervisor, committed, phone_inbox, unit_a):
    suspend(handled)
    with committed(), frozen_at(dt.datetime(2026, 11, 6, 10, 0, tzinfo=SH)):
        resumed = ticket_resume(ticket=handled, actor=supervisor)
    due = local_time(resumed.due_at)
    assert resumed.due_at > handled.due_at
    assert phone_inbox(PHONE)[-1] == (f"您的工单{handled.number}已恢复办理，办理时限顺延至{due}。"
                                      f"回复“CX{handled.number}”可查询进度。")
    assert phone_inbox(unit_a.head_phone)[-1].endswith(
        f"已恢复办理（值班长恢复办理），办理时限顺延至{due}，请按时办结。")
    templates = [e["template"] for e in TicketEvent.objects.filter(ticket=handled, kind="sms_sent")
                 .values_list("payload", flat=True)]
    assert {"citizen_suspended", "citizen_resumed", "unit_suspension_approved", "unit_resumed"} <= set(templates)


def test_the_citizen_texting_back_resumes_the_ticket_and_the_text_is_a_follow_up(
        handled, suspend, text_in, phone_inbox):
    suspend(handled)
    message = text_in(PHONE, "产权证明复印件已经准备好了，请联系我")
    resumed = Ticket.objects.get(pk=handled.pk)
    assert resumed.state == "in_progress" and message.ticket_id == handled.pk
    assert "工单恢复办理" in message.intake_note
    followup = TicketEvent.objects.filter(ticket=handled, kind="followup").get()
    assert followup.payload["text"] == "产权证明复印件已经准备好了，请联系我" and followup.actor_label == "市民短信"
    resume = TicketEvent.objects.filter(ticket=handled, kind="resume").get()
    assert resume.payload["how"] == "citizen" and resume.actor_label == "市民短信"
    assert Suspension.objects.get(ticket=handled).resumed_how == "citizen"
    assert phone_inbox(PHONE)[-1].startswith(f"您的工单{handled.number}已恢复办理，办理时限顺延至")
    assert not Ticket.objects.exclude(pk=handled.pk).exists(), "no new ticket from the reply"


def test_a_query_while_suspended_says_so_and_does_not_resume(handled, suspend, text_in, phone_inbox):
    suspend(handled)
    text_in(PHONE, f"CX{handled.number}")
    assert "当前状态：已挂起" in phone_inbox(PHONE)[-1] and "暂缓办理中" in phone_inbox(PHONE)[-1]
    assert Ticket.objects.get(pk=handled.pk).state == "suspended"


def test_an_opted_out_citizen_hears_no_suspension_notice_but_is_answered_when_texting_back(
        handled, suspend, text_in, phone_inbox):
    text_in(PHONE, "TD")
    heard = len(phone_inbox(PHONE))
    suspend(handled)
    assert len(phone_inbox(PHONE)) == heard, "an optional notice: opted out"
    text_in(PHONE, "材料齐了")
    assert phone_inbox(PHONE)[-1].startswith(f"您的工单{handled.number}已恢复办理"), "they asked: answered"


def test_the_sweep_resuming_tells_the_citizen_too(handled, suspend, settings, phone_inbox, committed):
    from dispatch.services import suspensions_resume_due

    suspend(handled)
    with committed(), frozen_at(dt.datetime(2026, 11, 30, 10, 0, tzinfo=SH)):
        assert suspensions_resume_due() == [handled.pk]
    assert phone_inbox(PHONE)[-1].startswith(f"您的工单{handled.number}已恢复办理")
