"""SMS of 退单审核 and 改派 (issue 16, items 1 and 2): the unit head hears the centre's decision on
the unit's return request; a reassignment tells the citizen (中途提醒) and the new unit's head."""
import pytest

from dispatch.services import (
    ticket_dispatch,
    ticket_reassign,
    ticket_return,
    ticket_return_accept,
    ticket_return_refuse,
    ticket_sign,
)
from hotline.models import Category, Ticket
from hotline.services.tickets import ticket_register
from sms_gateway.ticket_sms import local_time

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
HEAD_A, HEAD_B = "13900000001", "13900000002"  # tests/conftest.py unit_a, unit_b


@pytest.fixture
def handled(operator, supervisor, staff_a, committed):
    with committed():
        ticket = ticket_register(actor=operator, channel="phone", ticket_type="complaint",
                                 content="施工噪音扰民到凌晨", citizen_phone=PHONE, citizen_name="张三",
                                 category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))
        ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=staff_a.unit)
        ticket_sign(ticket=ticket, actor=staff_a)
    return Ticket.objects.get(pk=ticket.pk)


def templates_sent(ticket) -> list[str]:
    return [p["template"] for p in ticket.events.filter(kind="sms_sent").order_by("id").values_list("payload",
                                                                                                     flat=True)]


def test_a_request_texts_nobody_and_an_accepted_one_tells_the_unit_head(handled, staff_a, supervisor, committed,
                                                                        phone_inbox):
    heard = len(phone_inbox(HEAD_A)), len(phone_inbox(PHONE))
    with committed():
        ticket_return(ticket=handled, actor=staff_a, reason_code="not_ours", reason="不属于本单位职责")
    assert (len(phone_inbox(HEAD_A)), len(phone_inbox(PHONE))) == heard
    with committed():
        ticket_return_accept(ticket=handled, actor=supervisor)
    about = f"{staff_a.unit.name}：工单{handled.number}「{handled.title}」"
    assert phone_inbox(HEAD_A)[-1] == f"{about}的退单申请已同意，工单已退回热线办另行派单，贵单位无需继续办理。"
    assert len(phone_inbox(PHONE)) == heard[1], "the citizen hears when another unit takes it, not before"


def test_accepting_with_a_unit_tells_the_citizen_and_the_new_unit_head(handled, staff_a, staff_b, supervisor,
                                                                      committed, phone_inbox):
    with committed():
        ticket_return(ticket=handled, actor=staff_a, reason_code="not_ours", reason="不属于本单位职责")
        ticket_return_accept(ticket=handled, actor=supervisor, lead_unit=staff_b.unit)
    assert phone_inbox(PHONE)[-1].startswith(f"您的工单{handled.number}已改由{staff_b.unit.name}办理，办理时限至")
    assert phone_inbox(HEAD_B)[-1].startswith(f"{staff_b.unit.name}：新工单{handled.number}")
    assert "退单申请已同意" in phone_inbox(HEAD_A)[-1]
    assert templates_sent(handled)[-3:] == ["unit_return_accepted", "citizen_redispatched", "unit_assigned"]


def test_a_refusal_tells_the_unit_head_why_and_the_original_deadline(handled, staff_a, supervisor, committed,
                                                                     phone_inbox):
    with committed():
        ticket_return(ticket=handled, actor=staff_a, reason_code="unclear", reason="诉求地址不清")
        ticket_return_refuse(ticket=handled, actor=supervisor, reason="地址已补充，属贵单位职责")
    due = local_time(Ticket.objects.get(pk=handled.pk).due_at)
    assert due == local_time(handled.due_at)
    about = f"{staff_a.unit.name}：工单{handled.number}「{handled.title}」"
    assert phone_inbox(HEAD_A)[-1] == (f"{about}的退单申请未获同意（地址已补充，属贵单位职责），"
                                       f"请按原时限于{due}前办结。")
    assert templates_sent(handled)[-1] == "unit_return_refused"


def test_a_reassignment_tells_the_citizen_and_the_new_unit_head_not_the_old(handled, staff_b, supervisor, committed,
                                                                            phone_inbox):
    heard_a = len(phone_inbox(HEAD_A))
    with committed():
        ticket_reassign(ticket=handled, actor=supervisor, lead_unit=staff_b.unit, reason="职责调整")
    fresh = Ticket.objects.get(pk=handled.pk)
    assert phone_inbox(PHONE)[-1] == (f"您的工单{handled.number}已改由{staff_b.unit.name}办理，"
                                      f"办理时限至{local_time(fresh.due_at)}。回复“CX{handled.number}”可查询进度。")
    assert phone_inbox(HEAD_B)[-1].startswith(f"{staff_b.unit.name}：新工单{handled.number}")
    assert "主办" in phone_inbox(HEAD_B)[-1]
    assert len(phone_inbox(HEAD_A)) == heard_a, "the old unit learns of it by push, on its pages"
