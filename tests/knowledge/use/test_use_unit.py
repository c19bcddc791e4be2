"""The knowledge base beside a unit's reply form: the points relevant to the ticket, one click to
insert the answer, and the reply sent with it counted for the point (unit_reply)."""
import pytest
from django.test import Client

from dispatch import services as ds
from hotline.errors import NotAllowed
from hotline.models import Category, Channel
from hotline.services import tickets as ts
from knowledge.models import KnowledgeUse
from knowledge.services.use import use_unit_reply

from .points import FUND_ANSWER

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fund_ticket(operator, supervisor, staff_a, unit_a):
    """A citizen's question about the housing fund, dispatched to unit A and signed."""
    ticket = ts.ticket_register(actor=operator, channel=Channel.PHONE, ticket_type="help",
                                title="退休后公积金提取不了",
                                content="我已经退休了，去提取住房公积金被拒，请问要什么材料",
                                citizen_phone="13812345678", citizen_name="王五")
    category = Category.objects.filter(level=3).order_by("pk").first()
    ds.ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a, category=category)
    ds.ticket_sign(ticket=ticket, actor=staff_a)
    return ticket


def test_the_unit_sees_the_relevant_points_beside_its_reply(kb, fund_ticket, staff_a):
    html = signed_in(staff_a).get(f"/unit/tickets/{fund_ticket.pk}/").content.decode()
    assert 'id="knowledge"' in html and f'id="kp-{kb.fund.pk}"' in html and "插入答复" in html
    assert 'data-target="id_text"' in html and 'name="knowledge_point"' in html
    assert "无帮助" not in html  # the operator's 无帮助 is the console's
    assert f'id="kp-{kb.baby.pk}"' not in html


def test_a_reply_with_the_inserted_point_is_counted(kb, fund_ticket, staff_a):
    r = signed_in(staff_a).post(f"/unit/tickets/{fund_ticket.pk}/", {
        "action": "reply", "text": FUND_ANSWER, "knowledge_point": kb.fund.pk})
    assert r.status_code == 302
    fund_ticket.refresh_from_db()
    assert fund_ticket.state == "replied"
    use = KnowledgeUse.objects.get()
    assert (use.kind, use.point, use.ticket, use.user) == ("unit_reply", kb.fund, fund_ticket, staff_a)


def test_a_reply_without_a_point_or_with_a_bad_one_counts_nothing(kb, fund_ticket, staff_a):
    r = signed_in(staff_a).post(f"/unit/tickets/{fund_ticket.pk}/", {
        "action": "reply", "text": "已电话联系市民，说明公积金提取所需材料和办理地点", "knowledge_point": "999999"})
    assert r.status_code == 302 and not KnowledgeUse.objects.exists()


def test_a_failed_reply_counts_nothing_and_keeps_the_point(kb, fund_ticket, staff_a):
    r = signed_in(staff_a).post(f"/unit/tickets/{fund_ticket.pk}/", {
        "action": "reply", "text": "", "knowledge_point": kb.fund.pk})
    assert r.status_code == 200 and not KnowledgeUse.objects.exists()
    assert f'name="knowledge_point" value="{kb.fund.pk}"' in r.content.decode()


def test_another_unit_sees_no_points_of_a_ticket_it_does_not_handle(kb, fund_ticket, staff_b, outsider):
    for person in (staff_b, outsider):
        r = signed_in(person).get(f"/unit/tickets/{fund_ticket.pk}/")
        assert r.status_code == 404 and f'id="kp-{kb.fund.pk}"' not in r.content.decode()
        r = signed_in(person).post(f"/unit/tickets/{fund_ticket.pk}/", {
            "action": "reply", "text": FUND_ANSWER, "knowledge_point": kb.fund.pk})
        assert r.status_code == 404
    assert not KnowledgeUse.objects.exists()


def test_only_unit_staff_record_a_unit_reply(kb, fund_ticket, operator):
    with pytest.raises(NotAllowed):
        use_unit_reply(ticket=fund_ticket, point_id=kb.fund.pk, actor=operator)
