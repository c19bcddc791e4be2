"""退单审核 end to end in headless Chromium (issue 16, item 1): a unit asks to return a ticket on
its page, the request appears live on the supervisor's board, the supervisor refuses it with a
reason, and the unit reads the refusal with the ticket still in its inbox and its deadline
unchanged. Screenshots in tests/screenshots/."""
import pytest

from dispatch import services as ds
from dispatch.models import TicketReturn
from hotline.models import Channel, Ticket, TicketEvent
from hotline.services import tickets as ts
from tests import factories

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_WAIT = 6000  # ms


def test_a_unit_asks_to_return_the_supervisor_refuses_and_the_unit_keeps_the_ticket(browser, live_server, people,
                                                                                     unit_a):
    base = live_server.url
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                title="幸福路路灯不亮", content="幸福路路灯不亮一周了，晚上行人看不清路。",
                                citizen_phone="13812345678", citizen_name="张三丰", category=factories.category())
    ticket = ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)
    ds.ticket_sign(ticket=ticket, actor=people["staff_a"])
    due = Ticket.objects.get(pk=ticket.pk).due_at
    due_text = f"{due.astimezone(due.tzinfo):%Y-%m-%d}"

    board = new_page(browser, DESKTOP)
    login(board, base, "supervisor")
    board.wait_for_function("() => window.hotlineLive && window.hotlineLive.status === 'open'")
    assert ticket.number not in board.inner_text("#sec-return-requests")

    unit = new_page(browser, PHONE, mobile=True)
    unit.on("dialog", lambda dialog: dialog.accept())  # 确定向热线办申请退单吗？
    login(unit, base, "staff_a")
    unit.goto(f"{base}/unit/tickets/{ticket.pk}/")
    form = unit.locator("#return-form")
    assert "退单申请须于" in form.inner_text()
    unit.click("#btn-return")  # no reason chosen: refused, nothing asked
    unit.wait_for_selector("#return-form .errorlist")
    assert "请选择退单原因" in unit.inner_text("#return-form")
    assert not TicketReturn.objects.exists()
    unit.check("#return-form input[name=reason_code][value=not_ours]")
    unit.fill("#return-form textarea[name=reason]", "路灯由城管局路灯所维护，不属于住建局职责。")
    assert_no_horizontal_scroll(unit)
    shot(unit, "i16-unit-return-form-375")
    unit.click("#btn-return")
    unit.wait_for_selector("#return-status")
    assert "退单审核中" in unit.inner_text("#return-status")
    assert unit.locator("#return-form").count() == 0
    shot(unit, "i16-unit-return-pending-375")

    # The request reaches the board by push, without a reload.
    board.wait_for_selector(f"#sec-return-requests >> text={ticket.number}", timeout=LIVE_WAIT)
    section = board.inner_text("#sec-return-requests")
    assert unit_a.name in section and "不属于本单位职责" in section and "审核时限" in section
    shot(board, "i16-board-return-requests-1920")
    request = TicketReturn.objects.get(ticket=ticket)
    board.fill(f"#refuse-reason-{request.pk}", "路灯属住建局市政设施维护范围，请按时办理。")
    board.click(f"#btn-refuse-return-{request.pk}")
    board.wait_for_selector(".messages >> text=已驳回退单申请")
    board.wait_for_selector("#sec-return-requests >> text=暂无")
    assert TicketReturn.objects.get(pk=request.pk).state == "refused"
    assert TicketEvent.objects.filter(ticket=ticket, kind="return_refused").exists()
    shot(board, "i16-board-return-refused-1920")

    unit.goto(f"{base}/unit/tickets/{ticket.pk}/")
    status = unit.inner_text("#return-status")
    assert "退单被驳回：路灯属住建局市政设施维护范围，请按时办理。" in status and due_text in status
    assert unit.locator("#reply-form").count() == 1 and unit.locator("#return-form").count() == 0
    assert_no_horizontal_scroll(unit)
    shot(unit, "i16-unit-return-refused-375")
    unit.goto(f"{base}/unit/")
    row = unit.locator("#inbox li", has_text=ticket.number)
    assert "退单被驳回" in row.inner_text() and due_text in row.inner_text()
    shot(unit, "i16-unit-inbox-after-refusal-375")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.state, fresh.lead_unit_id, fresh.due_at) == ("in_progress", unit_a.pk, due)
