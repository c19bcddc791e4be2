"""中途提醒 (issue 16, item 7): the citizen hears by SMS of every turn that changes when or by
whom the ticket is handled, and a citizen who opted out hears none of it."""
import pytest

from dispatch.services import (
    extension_decide,
    extension_request,
    ticket_dispatch,
    ticket_mark_invalid,
    ticket_merge,
    ticket_return,
    ticket_return_accept,
    ticket_sign,
)
from hotline.models import Category, Ticket
from hotline.services.tickets import ticket_register
from sms_gateway.models import SmsTemplate
from sms_gateway.ticket_sms import local_time

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def register(operator, committed):
    def make(phone: str = PHONE) -> Ticket:
        with committed():
            return ticket_register(actor=operator, channel="phone", ticket_type="complaint",
                                   content="施工噪音扰民到凌晨", citizen_phone=phone, citizen_name="张三",
                                   category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))
    return make


@pytest.fixture
def handled(register, supervisor, staff_a, committed):
    ticket = register()
    with committed():
        ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=staff_a.unit)
        ticket_sign(ticket=ticket, actor=staff_a)
    return Ticket.objects.get(pk=ticket.pk)


def last_text(phone_inbox, phone=PHONE) -> str:
    return phone_inbox(phone)[-1]


def test_an_extension_granted_tells_the_new_date_and_a_refusal_says_nothing(
        handled, staff_a, supervisor, committed, phone_inbox):
    before = len(phone_inbox(PHONE))
    with committed():
        refused = extension_request(ticket=handled, actor=staff_a, reason="需协调", extra_days=3)
        extension_decide(extension=refused, actor=supervisor, approve=False, note="时限内可办结")
    assert len(phone_inbox(PHONE)) == before
    with committed():
        granted = extension_request(ticket=handled, actor=staff_a, reason="需协调多个部门", extra_days=5)
        extension_decide(extension=granted, actor=supervisor, approve=True)
    due = local_time(Ticket.objects.get(pk=handled.pk).due_at)
    assert last_text(phone_inbox) == (f"您的工单{handled.number}因办理需要，经审核办理时限延长至{due}，"
                                      "我们将继续跟踪督促。")


def test_a_return_and_redispatch_names_the_new_unit(handled, staff_a, staff_b, supervisor, committed, phone_inbox):
    with committed():
        ticket_return(ticket=handled, actor=staff_a, reason_code="not_ours", reason="不属于本单位职责")
        ticket_return_accept(ticket=handled, actor=supervisor)
        ticket_dispatch(ticket=handled, actor=supervisor, lead_unit=staff_b.unit)
    text = last_text(phone_inbox)
    assert text.startswith(f"您的工单{handled.number}已改由{staff_b.unit.name}办理，办理时限至")
    assert "citizen_redispatched" in [e["template"] for e in handled.events.filter(kind="sms_sent")
                                      .values_list("payload", flat=True)]


def test_a_merged_ticket_names_the_ticket_it_went_into(register, supervisor, committed, phone_inbox):
    kept = register("13900001111")
    duplicate = register()
    with committed():
        ticket_merge(ticket=duplicate, into=kept, actor=supervisor, reason="同一工地")
    assert last_text(phone_inbox) == (f"您的工单{duplicate.number}与工单{kept.number}反映同一问题，"
                                      "已合并办理，办理结果将一并答复。")
    assert len(phone_inbox("13900001111")) == 1, "the other citizen only had the receipt"


def test_an_invalid_ticket_says_why_in_a_bounded_excerpt(register, supervisor, committed, phone_inbox):
    ticket = register()
    with committed():
        ticket_mark_invalid(ticket=ticket, actor=supervisor, reason="经核实为重复骚扰来电。" + "说明" * 60)
    text = last_text(phone_inbox)
    assert text.startswith(f"您的工单{ticket.number}经核实不予受理：经核实为重复骚扰来电")
    assert "…。如有疑问请拨打12345。" in text and len(text) < 130


def test_an_opted_out_citizen_hears_none_of_it(register, supervisor, committed, phone_inbox, text_in):
    ticket, neighbour = register(), register("13900001111")
    text_in(PHONE, "TD")
    heard = len(phone_inbox(PHONE))
    with committed():
        ticket_mark_invalid(ticket=ticket, actor=supervisor, reason="恶意骚扰")
        ticket_mark_invalid(ticket=neighbour, actor=supervisor, reason="恶意骚扰")
    assert len(phone_inbox(PHONE)) == heard
    assert "不予受理" in last_text(phone_inbox, "13900001111"), "a citizen who did not opt out hears it"


def test_the_admin_can_switch_a_notice_off(register, supervisor, committed, phone_inbox):
    SmsTemplate.objects.filter(key="citizen_invalid").update(is_active=False)
    ticket = register()
    with committed():
        ticket_mark_invalid(ticket=ticket, actor=supervisor, reason="恶意骚扰")
    assert phone_inbox(PHONE) == [phone_inbox(PHONE)[0]], "only the receipt"
