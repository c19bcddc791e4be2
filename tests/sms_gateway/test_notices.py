"""Notices to leaders and unit heads, templates from the admin, the timeline."""
import pytest

from dispatch.services import ticket_dispatch, ticket_submit_for_approval, ticket_supervise, ticket_urge
from hotline.models import Category
from hotline.services.tickets import ticket_register
from sms_gateway.models import Message, SmsTemplate
from sms_gateway.texts import validate_template_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(operator, committed):
    with committed():
        return ticket_register(actor=operator, channel="phone", ticket_type="complaint",
                               content="施工噪音扰民到凌晨", citizen_phone="13812345678", citizen_name="张三",
                               category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))


def sms_events(ticket):
    return list(ticket.events.filter(kind="sms_sent").values_list("payload", flat=True))


def test_phone_ticket_gets_a_receipt_on_the_timeline(ticket, phone_inbox):
    assert ticket.number in phone_inbox("13812345678")[0]
    [event] = sms_events(ticket)
    assert event["template"] == "citizen_receipt" and event["to"] == "138****5678"
    assert event["sid"] == Message.objects.get().sid


def test_leader_gets_a_link(ticket, supervisor, leader, committed, phone_inbox, settings):
    with committed():
        ticket_submit_for_approval(ticket=ticket, actor=supervisor, leader=leader)
    [text] = phone_inbox(leader.phone)
    assert f"{settings.PUBLIC_BASE_URL}/m/tickets/{ticket.pk}/" in text and ticket.number in text
    assert sms_events(ticket)[-1]["recipient"] == "leader"


def test_unit_heads_new_assignment_urge_and_supervise(ticket, supervisor, unit_a, unit_b, committed, phone_inbox):
    with committed():
        ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a, co_units=[unit_b])
    assert "主办" in phone_inbox(unit_a.head_phone)[0]
    assert "协办" in phone_inbox(unit_b.head_phone)[0]
    with committed():
        ticket_urge(ticket=ticket, actor=None, actor_label="系统")
    with committed():
        ticket_supervise(ticket=ticket, actor=supervisor)
    texts = phone_inbox(unit_a.head_phone)
    assert texts[1].startswith("【催办】") and texts[2].startswith("【督办】")
    assert len(phone_inbox(unit_b.head_phone)) == 1


def test_event_delivered_twice_sends_once(ticket, phone_inbox):
    from sms_gateway.ticket_sms import on_ticket_events

    event = ticket.events.get(kind="register")
    on_ticket_events([event])
    on_ticket_events([event])
    assert len(phone_inbox("13812345678")) == 1
    assert len(sms_events(ticket)) == 1


def test_admin_edited_template_is_used(operator, committed, phone_inbox):
    SmsTemplate.objects.filter(key="citizen_receipt").update(text="已收到，编号{number}。")
    with committed():
        t = ticket_register(actor=operator, channel="phone", ticket_type="help", content="求助",
                            citizen_phone="13700000000")
    assert phone_inbox("13700000000") == [f"已收到，编号{t.number}。"]
    SmsTemplate.objects.filter(key="citizen_receipt").update(is_active=False)
    with committed():
        ticket_register(actor=operator, channel="phone", ticket_type="help", content="再求助",
                        citizen_phone="13700000000")
    assert len(phone_inbox("13700000000")) == 1


def test_template_validation():
    validate_template_text("citizen_receipt", "工单{number}")
    with pytest.raises(Exception, match="未知占位符"):
        validate_template_text("citizen_receipt", "工单{numbr}")
    with pytest.raises(Exception, match="花括号"):
        validate_template_text("citizen_receipt", "工单{number")


def test_admin_pages_load(client, ticket):
    from hotline.models import Role
    from tests.conftest import make_user

    admin_client = client
    admin_client.force_login(make_user("centre", Role.ADMIN))  # messages: the centre's records
    for url in ("/admin/sms_gateway/message/", f"/admin/sms_gateway/message/{Message.objects.get().pk}/change/"):
        assert admin_client.get(url).status_code == 200, url
    admin_client.force_login(make_user("sysadmin", Role.SYSADMIN))  # templates and accounts: configuration
    for url in ("/admin/sms_gateway/smstemplate/", "/admin/sms_gateway/apiaccount/add/",
                f"/admin/sms_gateway/smstemplate/{SmsTemplate.objects.get(key='unit_urge').pk}/change/"):
        assert admin_client.get(url).status_code == 200, url
    template = SmsTemplate.objects.get(key="unit_urge")
    response = admin_client.post(f"/admin/sms_gateway/smstemplate/{template.pk}/change/",
                                 {"name": template.name, "recipient": "unit_head", "text": "催{oops}",
                                  "optional": "", "is_active": "on"})
    assert "未知占位符" in response.content.decode()


def test_sms_account_command():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sms_account", "create", "对接系统", stdout=out)
    assert "AccountSid=AC" in out.getvalue() and "AuthToken=" in out.getvalue()
    out = StringIO()
    call_command("sms_account", "list", stdout=out)
    assert "对接系统" in out.getvalue()
