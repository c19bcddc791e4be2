"""退单审核 and 改派 on the pages (issue 16, items 1 and 2), without a browser: the unit's return
form and what its page says after asking and after a refusal; the board's 退单待审 with 同意退单
(optionally naming a unit) and 驳回; 改派 on the ticket page; the old unit's read-only page."""
import pytest

from dispatch import services as ds
from dispatch.models import Assignment, TicketReturn
from hotline.models import Ticket

pytestmark = pytest.mark.django_db


def section(html: str, name: str) -> str:
    start = html.index(f'id="sec-{name}"')
    end = html.find("<section", start + 1)
    return html[start:end if end > 0 else len(html)]


@pytest.fixture
def asked(dispatched, staff_a):
    ds.ticket_return(ticket=dispatched, actor=staff_a, reason_code="several_units", reason="需住建、城管共同处理")
    return TicketReturn.objects.get(ticket=dispatched)


def test_the_unit_asks_on_its_page_and_then_reads_that_the_centre_reviews(web, staff_a, dispatched):
    client = web(staff_a)
    page = client.get(f"/unit/tickets/{dispatched.pk}/").content.decode()
    assert 'id="return-form"' in page and "申请退单" in page and "退单申请须于" in page
    for label in ("不属于本单位职责", "诉求内容不清或信息不全", "应由其他途径解决（诉讼、仲裁、信访等）",
                  "涉及多个部门需协调", "其他"):
        assert label in page
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "return", "reason_code": "not_ours", "reason": ""})
    assert r.status_code == 200 and "请填写退单理由" in r.content.decode()
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "return", "reason_code": "not_ours",
                                                        "reason": "道路塌陷归城管局"}, follow=True)
    page = r.content.decode()
    assert "退单申请已提交，等待热线办审核" in page
    assert 'id="return-status"' in page and "退单审核中" in page and 'id="return-form"' not in page
    assert Ticket.objects.get(pk=dispatched.pk).state == "dispatched"
    inbox = client.get("/unit/").content.decode()
    assert dispatched.number in inbox and "退单审核中" in inbox


def test_the_board_lists_the_request_with_unit_reason_times_and_buttons(web, supervisor, operator, asked, unit_a):
    html = section(web(supervisor).get("/board/").content.decode(), "return-requests")
    assert "退单待审" in html and asked.ticket.number in html and unit_a.name in html
    assert "涉及多个部门需协调" in html and "需住建、城管共同处理" in html and "审核时限" in html
    assert "同意退单" in html and "驳回" in html
    # Naming the unit to re-dispatch to is the ticket page's (its unit picker), linked from the row.
    assert "重新派给" not in html and f'href="/tickets/{asked.ticket_id}/#return-review"' in html
    detail = web(supervisor).get(f"/tickets/{asked.ticket_id}/").content.decode()
    assert "重新派给" in detail
    part = web(supervisor).get("/board/?part=return_requests").content.decode()
    assert 'id="sec-return-requests"' in part and asked.ticket.number in part
    watching = section(web(operator).get("/board/").content.decode(), "return-requests")
    assert asked.ticket.number in watching and "同意退单" not in watching and "退单申请由值班长审核" in watching
    assert web(operator).post(f"/board/returns/{asked.pk}/accept/").status_code == 403


def test_accept_on_the_board_without_a_unit_returns_the_ticket(web, supervisor, asked):
    r = web(supervisor).post(f"/board/returns/{asked.pk}/accept/", {"note": "同意"}, follow=True)
    assert "已同意退单，工单待重新派单" in r.content.decode()
    ticket = Ticket.objects.get(pk=asked.ticket_id)
    assert ticket.state == "returned"
    assert ticket.number in section(r.content.decode(), "returned")


def test_accept_on_the_board_with_a_unit_redispatches_at_once(web, supervisor, asked, unit_b):
    r = web(supervisor).post(f"/board/returns/{asked.pk}/accept/", {"lead_unit": unit_b.pk}, follow=True)
    assert f"已同意退单，并重新派给{unit_b.name}" in r.content.decode()
    ticket = Ticket.objects.get(pk=asked.ticket_id)
    assert (ticket.state, ticket.lead_unit_id) == ("dispatched", unit_b.pk)


def test_refuse_needs_a_reason_and_the_unit_then_reads_it(web, supervisor, staff_a, asked):
    due = Ticket.objects.get(pk=asked.ticket_id).due_at
    r = web(supervisor).post(f"/board/returns/{asked.pk}/refuse/", {"reason": ""}, follow=True)
    assert "请填写驳回理由" in r.content.decode()
    assert TicketReturn.objects.get().state == "pending"
    r = web(supervisor).post(f"/board/returns/{asked.pk}/refuse/", {"reason": "由住建局牵头协调"}, follow=True)
    assert "已驳回退单申请" in r.content.decode()
    page = web(staff_a).get(f"/unit/tickets/{asked.ticket_id}/").content.decode()
    assert "退单被驳回：由住建局牵头协调" in page and 'id="return-form"' not in page
    assert due.astimezone().strftime("%Y-%m-%d") in page
    assert "退单被驳回" in web(staff_a).get("/unit/").content.decode()
    # A second decision on the same request: said so, nothing changes.
    r = web(supervisor).post(f"/board/returns/{asked.pk}/accept/", {}, follow=True)
    assert "该退单申请已处理（已驳回）" in r.content.decode()
    assert Ticket.objects.get(pk=asked.ticket_id).state == "dispatched"


def test_the_ticket_page_offers_the_review_to_a_supervisor(web, supervisor, operator, asked):
    page = web(supervisor).get(f"/tickets/{asked.ticket_id}/").content.decode()
    assert 'id="return-review"' in page and "退单申请待审核" in page and "同意退单" in page
    assert f'name="next" value="/tickets/{asked.ticket_id}/"' in page
    assert 'id="return-review"' not in web(operator).get(f"/tickets/{asked.ticket_id}/").content.decode()


def test_reassign_on_the_ticket_page(web, supervisor, operator, dispatched, unit_b):
    client = web(supervisor)
    page = client.get(f"/tickets/{dispatched.pk}/").content.decode()
    assert 'id="reassign-form"' in page and "改派" in page
    assert 'id="reassign-form"' not in web(operator).get(f"/tickets/{dispatched.pk}/").content.decode()
    r = client.post(f"/tickets/{dispatched.pk}/do/reassign/", {"lead_unit": unit_b.pk, "reason": ""})
    assert r.status_code == 400 and "请填写改派理由" in r.content.decode()
    r = client.post(f"/tickets/{dispatched.pk}/do/reassign/", {"lead_unit": unit_b.pk, "reason": "职责调整"},
                    follow=True)
    assert "已改派" in r.content.decode()
    assert Ticket.objects.get(pk=dispatched.pk).lead_unit_id == unit_b.pk
    assert web(operator).post(f"/tickets/{dispatched.pk}/do/reassign/",
                              {"lead_unit": unit_b.pk, "reason": "x"}).status_code == 403


def test_the_old_unit_reads_its_history_and_can_do_nothing(web, supervisor, staff_a, dispatched, unit_b):
    ds.ticket_sign(ticket=dispatched, actor=staff_a)
    ds.ticket_reassign(ticket=dispatched, actor=supervisor, lead_unit=unit_b, reason="职责调整")
    client = web(staff_a)
    page = client.get(f"/unit/tickets/{dispatched.pk}/").content.decode()
    assert 'id="read-only"' in page and f"改派至{unit_b.name}" in page and "改派" in page
    for form in ("reply-form", "return-form", "extension-form", "btn-sign"):
        assert f'id="{form}"' not in page
    assert "职责调整" in page  # the timeline line
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "reply", "text": "已办理"})
    assert r.status_code == 200 and "工单已不由本单位承办" in r.content.decode()
    assert dispatched.number not in client.get("/unit/").content.decode()
    done = client.get("/unit/done/").content.decode()
    assert dispatched.number in done and "本单位已改派" in done
    assert Assignment.objects.get(ticket=dispatched, unit=staff_a.unit).state == "reassigned"


def test_the_ranking_shows_the_return_rates(web, supervisor, asked):
    ds.ticket_return_refuse(ticket=asked.ticket, actor=supervisor, reason="请按时办理")
    page = web(supervisor).get("/reports/ranking/").content.decode()
    assert "退单率" in page and "退单驳回率" in page and "被改派" in page and "100.0%" in page
