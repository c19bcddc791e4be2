"""Leader's phone page, unit inbox and supervisor board through the Django test client."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dispatch import services as ds
from dispatch.models import Attachment, ExtensionRequest
from hotline.models import Ticket, TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(make_ticket, supervisor, leader):
    ticket = make_ticket(content="请联系13812345678核实，河道污染", name="张三丰")
    return ds.ticket_submit_for_approval(ticket=ticket, actor=supervisor, leader=leader)


def test_leader_sees_queue_and_masked_citizen(web, leader, pending):
    client = web(leader)
    assert pending.number in client.get("/m/").content.decode()
    html = client.get(f"/m/tickets/{pending.pk}/").content.decode()
    assert "张某" in html and "138****5678" in html
    assert "13812345678" not in html and "张三丰" not in html


def test_leader_instructs_with_units(web, leader, pending, unit_a):
    client = web(leader)
    r = client.post(f"/m/tickets/{pending.pk}/", {"text": ""})
    assert "请填写批示内容" in r.content.decode()
    r = client.post(f"/m/tickets/{pending.pk}/", {"text": "请住建局尽快处理", "units": [unit_a.pk]})
    assert r.status_code == 302 and r["Location"] == "/m/"
    pending.refresh_from_db()
    assert pending.state == TicketState.APPROVED
    assert pending.number in client.get("/m/instructed/").content.decode()


def test_other_leader_cannot_see_the_ticket(web, other_leader, pending):
    assert web(other_leader).get(f"/m/tickets/{pending.pk}/").status_code == 404


def test_unit_inbox_orders_red_first_and_hides_others(web, staff_a, staff_b, make_ticket, supervisor, unit_a):
    tickets = [ds.ticket_dispatch(ticket=make_ticket(content=f"诉求{i}"), actor=supervisor, lead_unit=unit_a)
               for i in range(3)]
    overdue = tickets[2]
    Ticket.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    html = web(staff_a).get("/unit/").content.decode()
    assert html.index(overdue.number) < html.index(tickets[0].number)
    assert "红灯" in html
    assert overdue.number in web(staff_a).get("/unit/?light=red").content.decode()
    assert tickets[0].number not in web(staff_a).get("/unit/?light=red").content.decode()
    assert overdue.number not in web(staff_b).get("/unit/").content.decode()
    assert web(staff_b).get(f"/unit/tickets/{overdue.pk}/").status_code == 404


def test_unit_signs_replies_with_attachment(web, staff_a, dispatched):
    client = web(staff_a)
    page = client.get(f"/unit/tickets/{dispatched.pk}/").content.decode()
    assert "签收工单" in page and "13812345678" in page  # units must be able to call the citizen
    client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "sign"})
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "reply", "text": ""})
    assert "请填写办理结果" in r.content.decode()
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8fake", content_type="image/jpeg")
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "reply", "text": "已修复", "files": [upload]})
    assert "套话" in r.content.decode()  # 办结审核: a token reply is refused, nothing saved
    assert not Attachment.objects.exists()
    upload.seek(0)
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {
        "action": "reply", "text": "已修复塌陷路面并设置警示标志，现已恢复通行", "files": [upload]})
    assert r.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.state == TicketState.REVIEWING  # a complaint's reply waits for the centre
    attachment = Attachment.objects.get()
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\xff\xd8fake"


def test_attachment_hidden_from_other_units(web, staff_b, replied, staff_a):
    upload = SimpleUploadedFile("a.txt", b"x")
    ticket = replied
    reply = ticket.replies.first()
    a = Attachment.objects.create(reply=reply, file=upload, name="a.txt", size=1)
    assert web(staff_b).get(f"/attachments/{a.pk}/").status_code == 404


def test_extension_and_return_keep_input_on_error(web, staff_a, dispatched, supervisor):
    client = web(staff_a)
    client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "sign"})
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "extension", "extra_days": "99",
                                                        "reason": "需要协调多个部门"})
    html = r.content.decode()
    assert "延长天数须为1到30个工作日" in html and "需要协调多个部门" in html
    client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "extension", "extra_days": "5", "reason": "需协调"})
    ext = ExtensionRequest.objects.get()
    board = web(supervisor).get("/board/").content.decode()
    assert "延期申请待审核" in board and dispatched.number in board
    r = web(supervisor).post(f"/board/extensions/{ext.pk}/decide/", {"approve": "1", "note": "同意"})
    assert r.status_code == 302
    ext.refresh_from_db()
    assert ext.state == ExtensionRequest.State.APPROVED
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "return", "reason": "不属于本单位职责"})
    html = r.content.decode()
    assert r.status_code == 200 and "请选择退单原因" in html and "不属于本单位职责" in html  # kept
    r = client.post(f"/unit/tickets/{dispatched.pk}/", {"action": "return", "reason_code": "not_ours",
                                                        "reason": "不属于本单位职责"})
    assert r.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.state == TicketState.IN_PROGRESS  # a request: the centre decides
    board = web(supervisor).get("/board/").content.decode()
    assert "退单待审" in board and dispatched.number in board


def test_unit_sees_urge_and_supervise(web, staff_a, supervisor, dispatched):
    client = web(supervisor)
    client.post(f"/tickets/{dispatched.pk}/do/urge/", {"note": "请抓紧", "next": "/board/"})
    client.post(f"/tickets/{dispatched.pk}/do/supervise/", {"note": "已超期"})
    html = web(staff_a).get(f"/unit/tickets/{dispatched.pk}/").content.decode()
    assert "催办与督办" in html and "请抓紧" in html and "督办" in html


def test_dispatch_shows_deadline_before_confirming(web, supervisor, make_ticket, unit_a, unit_b):
    ticket = make_ticket()
    client = web(supervisor)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "办理时限" in page and "下一步：确认时限" in page
    r = client.post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "co_units": [unit_b.pk]})
    html = r.content.decode()
    assert "确认派单" in html and unit_b.name in html
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REGISTERED
    r = client.post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "co_units": [unit_b.pk],
                                                           "confirm": "1"})
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED and ticket.lead_unit == unit_a


def test_dispatch_errors_are_chinese(web, supervisor, make_ticket, unit_a):
    ticket = make_ticket()
    r = web(supervisor).post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": "", "note": "加急"})
    html = r.content.decode()
    assert r.status_code == 400 and "请选择主办单位" in html and "加急" in html
    r = web(supervisor).post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "co_units": [unit_a.pk]})
    assert "协办单位不能与主办单位相同" in r.content.decode()


def test_conflict_is_shown_not_a_500(web, supervisor, dispatched, unit_a):
    r = web(supervisor).post(f"/tickets/{dispatched.pk}/do/answer/", {"answer": "已答复"})
    assert r.status_code == 409 and "不能直接答复办结" in r.content.decode()


def test_board_lists_red_and_yellow_with_buttons(web, supervisor, dispatched):
    Ticket.objects.filter(pk=dispatched.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    html = web(supervisor).get("/board/").content.decode()
    red = html[html.index('id="sec-red"'):html.index('id="sec-yellow"')]
    assert dispatched.number in red and "催办" in red and "督办" in red


def test_search_by_number_phone_and_title(web, supervisor, make_ticket):
    a = make_ticket(content="路灯不亮", title="路灯故障", phone="13811112222")
    b = make_ticket(content="噪音扰民", title="夜间噪音", phone="13833334444")
    client = web(supervisor)
    for q, hit, miss in ((a.number, a, b), ("13833334444", b, a), ("噪音", b, a)):
        html = client.get("/tickets/", {"q": q}).content.decode()
        assert hit.number in html and miss.number not in html
    assert client.get("/tickets/", {"date_from": "not-a-date"}).status_code == 200
    assert client.get("/tickets/", {"page": "x"}).status_code == 200


def test_ticket_detail_redirects_leader_and_unit_to_their_pages(web, leader, staff_a, dispatched):
    assert web(leader).get(f"/tickets/{dispatched.pk}/")["Location"] == f"/m/tickets/{dispatched.pk}/"
    assert web(staff_a).get(f"/tickets/{dispatched.pk}/")["Location"] == f"/unit/tickets/{dispatched.pk}/"


def test_unknown_ticket_is_a_chinese_404(web, supervisor):
    r = web(supervisor).get("/tickets/999999/")
    assert r.status_code == 404 and "工单不存在" in r.content.decode()
