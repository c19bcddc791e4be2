"""Issue #24 in real headless Chromium: the lead unit replying past a silent co-unit, the
co-unit's part ending with the ticket, a unit's 已办 and search, and a leader's 退回 with the
supervisor's 呈报说明 on top. Screenshots at 1920 and 375 px land in tests/screenshots/."""
import pytest

from dispatch import services as ds
from dispatch.models import Assignment
from hotline.models import Channel, Ticket, TicketEvent, TicketState
from hotline.services import tickets as ts
from tests import factories

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register(people, title: str) -> Ticket:
    return ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                              title=title, content=f"{title}，已经持续一周，请尽快处理。",
                              citizen_phone="13812345678", citizen_name="张三丰", address="幸福路88号",
                              category=factories.category())


def in_hand(people, title: str, *, co: bool = True) -> Ticket:
    """Lead unit A (signed), co-unit B (not signed)."""
    ticket = ds.ticket_dispatch(ticket=register(people, title), actor=people["supervisor"],
                                lead_unit=people["staff_a"].unit, co_units=[people["staff_b"].unit] if co else [])
    return ds.ticket_sign(ticket=ticket, actor=people["staff_a"])


def test_the_lead_must_confirm_replying_past_a_silent_co_unit_and_closing_ends_the_co_part(
        browser, live_server, people, unit_a, unit_b):
    base = live_server.url
    ticket = in_hand(people, "幸福小区东门道路塌陷")

    co = new_page(browser, PHONE, mobile=True)
    login(co, base, "staff_b")
    assert ticket.number in co.inner_text("#inbox")  # in the co-unit's 待办 while in hand
    shot(co, "i24-co-unit-inbox-before-375")

    lead = new_page(browser, DESKTOP)
    login(lead, base, "staff_a")
    lead.goto(f"{base}/unit/tickets/{ticket.pk}/")
    warning = lead.inner_text("#co-warning")
    assert f"协办单位 {unit_b.name} 尚未签收" in warning
    lead.fill("#id_text", "塌陷路面已回填压实并重新铺设，经验收合格已恢复通行。")
    lead.click("#btn-reply")  # without the confirmation: refused, the text kept
    lead.wait_for_selector("#reply-form .errorlist")
    assert "尚未答复" in lead.inner_text("#reply-form .errorlist")
    assert lead.input_value("#id_text") == "塌陷路面已回填压实并重新铺设，经验收合格已恢复通行。"
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.IN_PROGRESS
    shot(lead, "i24-lead-reply-co-warning-1920")

    lead.check("#id_confirm_absent_co_units")
    lead.click("#btn-reply")
    lead.wait_for_selector(".messages")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.REVIEWING  # 办结审核: a complaint
    assert f"未答复的协办单位：{unit_b.name}" in lead.inner_text("main")  # on the timeline
    shot(lead, "i24-lead-replied-absence-recorded-1920")

    ds.ticket_review_approve(ticket=ticket, actor=people["supervisor"])
    ds.ticket_close_without_callback(ticket=ticket, actor=people["supervisor"], note="三次联系不上")
    assert Assignment.objects.get(ticket=ticket, unit=unit_b).state == Assignment.State.CLOSED
    co.goto(f"{base}/unit/")
    assert ticket.number not in co.inner_text("#inbox")
    co.goto(f"{base}/unit/done/")
    assert ticket.number in co.inner_text("#done") and "未答复，已结束" in co.inner_text("#done")
    assert_no_horizontal_scroll(co)
    shot(co, "i24-co-unit-done-after-close-375")
    co.click(f"text={ticket.number}")
    assert "已结束" in co.inner_text("main") and "协办结束" in co.inner_text("main")
    assert_no_horizontal_scroll(co)
    shot(co, "i24-co-unit-ticket-closed-375")


def test_a_co_units_opinion_reaches_the_lead_who_then_replies_without_a_warning(
        browser, live_server, people, unit_a, unit_b):
    base = live_server.url
    ticket = in_hand(people, "幸福小区井盖缺失")

    co = new_page(browser, PHONE, mobile=True)
    login(co, base, "staff_b")
    co.goto(f"{base}/unit/tickets/{ticket.pk}/")
    co.click("#btn-sign")
    co.wait_for_selector("#reply-form")
    assert "提交协办意见" in co.inner_text("#reply-form h2")
    co.fill("#id_text", "交通局已在井口设置警示围挡并安排专人看守。")
    assert_no_horizontal_scroll(co)
    shot(co, "i24-co-unit-opinion-375")
    co.click("#btn-reply")
    co.wait_for_selector(".messages")
    assert "协办意见已提交" in co.inner_text(".messages")

    lead = new_page(browser, PHONE, mobile=True)
    login(lead, base, "staff_a")
    lead.goto(f"{base}/unit/tickets/{ticket.pk}/")
    assert "已在井口设置警示围挡" in lead.inner_text("#co-opinions")
    assert lead.locator("#co-warning").count() == 0
    assert_no_horizontal_scroll(lead)
    shot(lead, "i24-lead-sees-co-opinion-375")
    lead.fill("#id_text", "缺失井盖已补装并加固，周边路面已清理恢复通行。")
    lead.click("#btn-reply")
    lead.wait_for_selector(".messages")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.REVIEWING  # 办结审核: a complaint


def test_a_unit_finds_its_done_tickets_and_searches_only_its_own(browser, live_server, people, unit_a, unit_b):
    base = live_server.url
    mine = in_hand(people, "城关镇路灯不亮", co=False)
    ds.ticket_reply(ticket=mine, actor=people["staff_a"], text="已更换城关镇两盏路灯的灯泡，现已恢复照明")
    open_one = in_hand(people, "城关镇垃圾清运不及时", co=False)
    theirs = ds.ticket_dispatch(ticket=register(people, "城关镇公交站牌损坏"), actor=people["supervisor"],
                                lead_unit=unit_b)

    for viewport, label in ((DESKTOP, "1920"), (PHONE, "375")):
        page = new_page(browser, viewport, mobile=viewport is PHONE)
        login(page, base, "staff_a")
        page.click("nav >> text=已办工单")
        page.wait_for_selector("#done")
        done = page.inner_text("#done")
        assert mine.number in done and open_one.number not in done and theirs.number not in done
        if viewport is PHONE:
            assert_no_horizontal_scroll(page)
        shot(page, f"i24-unit-done-{label}")

        page.click("nav >> text=工单查询")
        page.fill("#id_q", "城关镇")
        page.click("#btn-unit-search")
        page.wait_for_selector("#results")
        results = page.inner_text("#results")
        assert mine.number in results and open_one.number in results
        assert theirs.number not in results  # unit B's ticket, with the same words
        if viewport is PHONE:
            assert_no_horizontal_scroll(page)
        shot(page, f"i24-unit-search-{label}")

        page.fill("#id_q", theirs.number)  # not even by its number
        page.click("#btn-unit-search")
        page.wait_for_selector("#results")
        assert "没有符合条件的工单" in page.inner_text("#results")
        page.context.close()


def test_the_leader_sees_the_submission_note_and_returns_the_ticket_with_a_reason(
        browser, live_server, people, unit_a):
    base = live_server.url
    ticket = ds.ticket_submit_for_approval(ticket=register(people, "工地夜间施工噪音扰民"), actor=people["supervisor"],
                                           leader=people["leader"], note="涉及多个部门，建议由住建局牵头、城管协办。")

    for viewport, label in ((DESKTOP, "1920"), (PHONE, "375")):
        page = new_page(browser, viewport, mobile=viewport is PHONE)
        login(page, base, "leader")
        page.goto(f"{base}/m/tickets/{ticket.pk}/")
        note = page.locator("#submission-note")
        assert "涉及多个部门，建议由住建局牵头" in note.inner_text()
        # 呈报说明 comes first, above the ticket itself.
        assert note.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
        if viewport is PHONE:
            assert_no_horizontal_scroll(page)
        shot(page, f"i24-leader-ticket-submission-note-{label}")
        page.context.close()

    lead = new_page(browser, PHONE, mobile=True)
    login(lead, base, "leader")
    lead.goto(f"{base}/m/tickets/{ticket.pk}/")
    lead.click("#btn-leader-return")  # no reason: refused
    lead.wait_for_selector("#leader-return-form .errorlist")
    assert "请填写退回理由" in lead.inner_text("#leader-return-form")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.PENDING_APPROVAL
    lead.fill("#id_reason", "情况不清，请先核实现场并补充照片。")
    assert_no_horizontal_scroll(lead)
    shot(lead, "i24-leader-return-form-375")
    lead.click("#btn-leader-return")
    lead.wait_for_url(f"{base}/m/")
    assert "已退回热线办" in lead.inner_text(".messages")
    assert ticket.number not in lead.inner_text("#leader-queue")
    shot(lead, "i24-leader-queue-after-return-375")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.state == TicketState.REGISTERED and fresh.leader_id is None
    assert TicketEvent.objects.filter(ticket=ticket, kind="leader_return").exists()

    sup = new_page(browser, DESKTOP)
    login(sup, base, "supervisor")
    section = sup.inner_text("#sec-leader-returned")
    assert ticket.number in section and "情况不清，请先核实现场" in section
    shot(sup, "i24-board-leader-returned-1920")
    sup.click(f"#sec-leader-returned >> text={ticket.number}")
    sup.wait_for_selector("#leader-return")
    assert "情况不清，请先核实现场并补充照片。" in sup.inner_text("#leader-return")
    assert "领导退回" in sup.inner_text("#timeline")
    shot(sup, "i24-ticket-leader-returned-1920")
