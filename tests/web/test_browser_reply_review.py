"""办结审核 (issue 16 item 3) in real headless Chromium, both sides: a unit replies to a complaint
on its phone (a token reply refused first), the reply appears live on the supervisor's board, who
sends it back with a reason; the unit reads the reason in its inbox and on the ticket and replies
again; the supervisor approves, and only then the citizen gets the result SMS.
Screenshots at 1920 and 375 px land in tests/screenshots/."""
import pytest

from dispatch import services as ds
from dispatch.models import Survey
from hotline.models import Channel, Ticket, TicketState
from hotline.services import tickets as ts
from sms_gateway.models import Message
from tests import factories

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "已联系物业公司上门查看，确认是楼上住户水管老化漏水，已督促更换水管。"
REASON = "未说明墙面修补由谁负责、何时完成，请补充后重新答复"
SECOND = "已督促物业更换楼上破损水管，并于本周五前修补市民家墙面，费用由楼上住户承担，市民表示认可。"


def test_a_unit_replies_the_supervisor_sends_it_back_then_approves_the_second_reply(
        browser, live_server, people, unit_a):
    base = live_server.url
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                title="幸福小区3栋楼上漏水", content="楼上漏水到我家，墙面发霉，物业不管。",
                                citizen_phone="13812345678", citizen_name="张三丰", address="幸福小区3栋",
                                category=factories.category())
    due = ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a).due_at
    ds.ticket_sign(ticket=ticket, actor=people["staff_a"])

    sup = new_page(browser, DESKTOP)
    login(sup, base, "supervisor")
    assert "暂无" in sup.inner_text("#sec-review")

    # 1. The unit replies on its phone: a token reply is refused, the real one goes to review.
    unit = new_page(browser, PHONE, mobile=True)
    login(unit, base, "staff_a")
    unit.goto(f"{base}/unit/tickets/{ticket.pk}/")
    assert "须经热线办审核" in unit.inner_text("#review-hint")
    unit.fill("#id_text", "已处理。")
    unit.click("#btn-reply")
    unit.wait_for_selector("#reply-form .errorlist")
    assert "套话" in unit.inner_text("#reply-form .errorlist")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.IN_PROGRESS
    unit.fill("#id_text", FIRST)
    unit.set_input_files("#id_files", files=[{"name": "现场照片.png", "mimeType": "image/png",
                                              "buffer": b"\x89PNG\r\n\x1a\nfake"}])
    unit.click("#btn-reply")
    unit.wait_for_selector("#awaiting-review")
    assert "待热线办审核" in unit.inner_text(".messages")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.REVIEWING
    assert_no_horizontal_scroll(unit)
    shot(unit, "i16-review-unit-awaiting-375")

    # 2. The reply appears on the supervisor's board without a reload (live push); sent back.
    row = f"#review-{ticket.pk}"
    sup.wait_for_selector(row)
    text = sup.inner_text(row)
    assert unit_a.name in text and FIRST[:20] in text and "现场照片.png" in text
    shot(sup, "i16-review-board-awaiting-1920")
    sup.fill(f"{row} input[name=reason]", REASON)
    sup.click(f"{row} button:has-text('退回重办')")
    sup.wait_for_selector(".messages")
    assert "已退回重办" in sup.inner_text(".messages") and sup.locator(row).count() == 0
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.state == TicketState.IN_PROGRESS
    assert Message.objects.filter(ticket=ticket, kind="unit_sent_back").count() == 1  # the unit head's SMS
    assert not Message.objects.filter(ticket=ticket, kind="citizen_result").exists()

    # 3. The unit reads why in its inbox and on the ticket, and replies again.
    unit.goto(f"{base}/unit/")
    inbox = unit.inner_text("#inbox")
    assert ticket.number in inbox and "退回重办" in inbox and REASON[:12] in inbox
    assert_no_horizontal_scroll(unit)
    shot(unit, "i16-review-unit-inbox-sent-back-375")
    unit.click(f"text={ticket.number}")
    unit.wait_for_selector("#sent-back")
    assert REASON in unit.inner_text("#sent-back") and "办理时限不变" in unit.inner_text("#sent-back")
    assert_no_horizontal_scroll(unit)
    shot(unit, "i16-review-unit-sent-back-375")
    unit.fill("#id_text", SECOND)
    unit.click("#btn-reply")
    unit.wait_for_selector("#awaiting-review")

    # 4. The supervisor approves it from the ticket page: the survey opens, the citizen is told.
    sup.wait_for_selector(row)  # back on the board, live
    sup.click(f"{row} a >> nth=0")
    sup.wait_for_selector("#review")
    assert SECOND[:20] in sup.inner_text("#review-text")
    assert "退回理由：" + REASON in sup.inner_text("main")  # the first reply stays on the record
    shot(sup, "i16-review-ticket-page-1920")
    sup.click("#btn-review-approve")
    sup.wait_for_selector(".messages")
    assert "审核通过" in sup.inner_text(".messages")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.state == TicketState.REPLIED and fresh.due_at == due  # the clock kept running
    assert Survey.objects.get(ticket=ticket).state == Survey.State.PENDING
    [result] = Message.objects.filter(ticket=ticket, kind="citizen_result")
    assert "市民表示认可" in result.body
