"""Issue 16 item 5 on the unit's pages: 转下级办理, the parent's 下级办理 panel (审核通过/退回/收回),
the sub-unit's page, and the accepted reply as the parent's starting text."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as d
from hotline.models import Role, Unit
from tests import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
TOWN_REPLY = "城关镇已组织物业现场查看，破损管道已更换，漏水已停止，业主表示认可。"


@pytest.fixture
def town(unit_a):
    return Unit.objects.create(name="城关镇", code="cgz", kind=Unit.Kind.TOWN, parent=unit_a)


@pytest.fixture
def staff_town(town):
    return make_user("staff_town", Role.UNIT_STAFF, town, display_name="城关镇办事员")


def page(client, ticket) -> str:
    response = client.get(f"/unit/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_hand_down_form_offers_the_units_own_sub_units_and_a_default_deadline(web, people, town, unit_b):
    other_town = Unit.objects.create(name="槐店镇", code="hdz", parent=unit_b)
    ticket = f.in_progress(people, co=False)
    html = page(web(people["staff_a"]), ticket)
    assert 'id="hand-down-form"' in html and "城关镇" in html and "槐店镇" not in html
    # The proposed day lies before the ticket's own deadline (SUB_UNIT_LEAD_TIME_WORKING_DAYS).
    proposed = html.split('name="due_at"')[1].split('value="')[1][:10]
    assert dt.date.fromisoformat(proposed) < timezone.localtime(ticket.due_at).date()
    # A unit without active sub-units is not offered it.
    other = f.in_progress(people, co_signed=True)
    assert 'id="hand-down-form"' in page(web(people["staff_b"]), other)
    Unit.objects.filter(pk=other_town.pk).update(is_active=False)
    assert 'id="hand-down-form"' not in page(web(people["staff_b"]), other)


def test_handing_down_on_the_page_and_a_deadline_past_the_parents_is_refused(web, people, town, staff_town):
    ticket = f.in_progress(people, co=False)
    client = web(people["staff_a"])
    late = timezone.localtime(ticket.due_at).date() + dt.timedelta(days=1)
    response = client.post(f"/unit/tickets/{ticket.pk}/", {"action": "hand_down", "unit": town.pk,
                                                             "due_at": late.isoformat(), "note": ""})
    assert response.status_code == 200 and "不能晚于本单位的办理时限" in response.content.decode()
    response = client.post(f"/unit/tickets/{ticket.pk}/", {"action": "hand_down", "unit": town.pk,
                                                             "due_at": timezone.localtime(ticket.due_at).date(),
                                                             "note": "请现场核实"}, follow=True)
    html = response.content.decode()
    assert "已转城关镇办理" in html and 'id="sub-parts"' in html and "待签收" in html
    town_page = page(web(staff_town), ticket)
    assert 'id="btn-sign"' in town_page and "上级转来" in town_page and "请现场核实" in town_page
    assert ticket.number in web(staff_town).get("/unit/").content.decode()


def test_the_parent_reviews_on_its_page_and_replies_from_the_accepted_text(web, people, town, staff_town):
    ticket = f.in_progress(people, co=False)
    part = d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town)
    d.ticket_sign(ticket=ticket, actor=staff_town)
    d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY)
    client = web(people["staff_a"])
    html = page(client, ticket)
    assert "已回复，待审核" in html and TOWN_REPLY in html and f'id="btn-sub-accept-{part.pk}"' in html
    assert 'id="sub-warning"' in html  # the reply form asks to settle or confirm
    refused = client.post(f"/unit/tickets/{ticket.pk}/", {"action": "hand_down_review", "part": part.pk,
                                                           "decision": "send_back", "reason": ""})
    assert "退回理由不能为空" in refused.content.decode()
    client.post(f"/unit/tickets/{ticket.pk}/", {"action": "hand_down_review", "part": part.pk,
                                                "decision": "send_back", "reason": "请补充业主签字确认情况"})
    town_page = page(web(staff_town), ticket)
    assert 'id="sent-back"' in town_page and "请补充业主签字确认情况" in town_page
    d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY + "业主已签字确认。")
    done = client.post(f"/unit/tickets/{ticket.pk}/", {"action": "hand_down_review", "part": part.pk,
                                                       "decision": "accept"}, follow=True).content.decode()
    assert "已审核通过城关镇的回复" in done and 'id="reply-from-sub"' in done
    assert f"{TOWN_REPLY}业主已签字确认。</textarea>" in done  # the reply form starts from it
    assert 'id="sub-warning"' not in done


def test_the_parent_withdraws_on_its_page(web, people, town, staff_town):
    ticket = f.in_progress(people, co=False)
    part = d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town)
    html = web(people["staff_a"]).post(f"/unit/tickets/{ticket.pk}/", {"action": "hand_down_withdraw",
                                                                       "part": part.pk}, follow=True)
    assert "已收回城关镇的办理" in html.content.decode() and "已收回" in html.content.decode()
    assert ticket.number not in web(staff_town).get("/unit/").content.decode()
