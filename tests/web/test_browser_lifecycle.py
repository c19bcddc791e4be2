"""The whole lifecycle through the pages, as each person, in real headless Chromium.

operator registers a call (with the incoming-call pop-up) → leader instructs on a phone →
supervisor dispatches after seeing the deadline → unit signs and replies with an attachment
on a phone → supervisor approves the reply (办结审核) → operator records the callback → citizen
queries progress on the portal.
Screenshots land in tests/screenshots/.
"""
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore

from hotline.models import Ticket, TicketState
from web import captcha

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def captcha_answer(page) -> str:
    """What a person reads off the picture; the test reads it from the server's session instead."""
    session_key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    stored = SessionStore(session_key=session_key).load()[captcha.SESSION_KEY]
    return next(str(n) for n in range(-10, 20) if captcha._digest(stored["salt"], str(n)) == stored["digest"])


def test_lifecycle_through_the_pages(browser, live_server, people, unit_a, unit_b):
    base = live_server.url

    # 1. The operator takes a call: the pop-up prefills the number, then the form is filled by keyboard.
    op = new_page(browser, DESKTOP)
    login(op, base, "operator")
    assert op.url.endswith("/console/")
    op.evaluate("""document.body.dispatchEvent(new CustomEvent('call-popup', {detail: {
        call_id: 'c-1001', caller: '13812345678', citizen: {name: '张三丰', phone: '13812345678'},
        history: [], extension: '8001'}}))""")
    assert op.input_value("#id_citizen_phone") == "13812345678"
    assert "张三丰" in op.inner_text("#caller")
    op.keyboard.press("Alt+3")  # 投诉
    op.fill("#cat-q", "噪音")
    op.wait_for_selector("#cat-results .cat-pick")
    op.click("#cat-results .cat-pick >> nth=0")
    assert "已选" in op.inner_text("#cat-chosen")
    op.fill("#id_address", "幸福小区东门")
    op.fill("#id_content", "幸福小区东门工地夜间施工噪音扰民，已持续一周，请尽快处理。")
    op.check("input[name=next_step][value=approval]")
    op.select_option("#id_leader", str(people["leader"].pk))
    shot(op, "01-console-filled-1920")
    op.keyboard.press("Control+Enter")
    op.wait_for_selector("#done")
    number = re.search(r"\d{11}", op.inner_text("#done")).group(0)
    ticket = Ticket.objects.get(number=number)
    assert ticket.state == TicketState.PENDING_APPROVAL and ticket.call_id == "c-1001"
    shot(op, "02-console-registered-1920")

    # 2. The leader instructs on a phone, one thumb; the citizen's contact is masked.
    lead = new_page(browser, PHONE, mobile=True)
    login(lead, base, "leader")
    assert lead.url.endswith("/m/")
    assert number in lead.inner_text("#leader-queue")
    assert_no_horizontal_scroll(lead)
    shot(lead, "03-leader-queue-375")
    lead.click(f"text={number}")
    assert "张某" in lead.inner_text("#citizen") and "13812345678" not in lead.content()
    assert_no_horizontal_scroll(lead)
    lead.click(".phrases button >> nth=0")
    assert lead.input_value("#id_text").startswith("请尽快办理")
    lead.click("text=选择其他单位")
    lead.check(f"input[name=units][value='{unit_a.pk}']")
    shot(lead, "04-leader-ticket-375")
    lead.click("#btn-instruct")
    lead.wait_for_url(f"{base}/m/")
    assert "已批示" in lead.inner_text(".messages")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.APPROVED

    # 3. The supervisor dispatches from the board; the deadline shows before confirming.
    sup = new_page(browser, DESKTOP)
    login(sup, base, "supervisor")
    assert number in sup.inner_text("#sec-approval")
    shot(sup, "05-board-1920")
    sup.click(f"#sec-approval >> text={number}")
    assert sup.input_value("#id_lead_unit") == str(unit_a.pk)  # the leader's choice is preselected
    sup.click("text=协办单位")
    sup.check(f"input[name=co_units][value='{unit_b.pk}']")
    sup.click("#btn-dispatch")
    sup.wait_for_selector("#dispatch-confirm")
    assert re.search(r"\d{4}-\d{2}-\d{2} 23:59", sup.inner_text("#confirm-due"))
    shot(sup, "06-dispatch-confirm-1920")
    sup.click("#btn-confirm-dispatch")
    sup.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED and ticket.lead_unit == unit_a

    # 4. The unit signs and replies with an attachment, on a phone.
    unit = new_page(browser, PHONE, mobile=True)
    login(unit, base, "staff_a")
    assert number in unit.inner_text("#inbox")
    assert_no_horizontal_scroll(unit)
    shot(unit, "07-unit-inbox-375")
    unit.click(f"text={number}")
    unit.click("#btn-sign")
    unit.wait_for_selector("#reply-form")
    unit.fill("#id_text", "已责令施工单位夜间停工，并安装隔音围挡。")
    unit.set_input_files("#id_files", files=[{"name": "现场照片.png", "mimeType": "image/png",
                                              "buffer": b"\x89PNG\r\n\x1a\nfake"}])
    # The co-unit never answered: the lead says it replies without it.
    assert unit_b.name in unit.inner_text("#co-warning")
    unit.check("#id_confirm_absent_co_units")
    assert_no_horizontal_scroll(unit)
    shot(unit, "08-unit-reply-375")
    unit.click("#btn-reply")
    unit.wait_for_selector(".messages")
    assert "现场照片.png" in unit.content()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REVIEWING  # a complaint's reply waits for the centre (办结审核)

    # 4b. The supervisor approves the reply on the board: the survey follows.
    sup.goto(f"{base}/board/")
    review = sup.locator(f"#review-{ticket.pk}")
    assert "隔音围挡" in review.inner_text() and "现场照片.png" in review.inner_text()
    review.locator("button", has_text="审核通过").click()
    sup.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REPLIED

    # 5. The operator calls the citizen back and records the survey.
    op.goto(f"{base}/console/callbacks/")
    card = op.locator(f"#callback-{ticket.pk}")
    card.locator("input[value=satisfied]").check()
    shot(op, "09-callbacks-1920")
    card.locator("button[type=submit]").click()
    op.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED

    # 6. The citizen checks progress on the portal with the number and the last four digits.
    cit = new_page(browser, PHONE, mobile=True)
    cit.goto(f"{base}/portal/query/")
    cit.fill("#id_number", number)
    cit.fill("#id_last4", "5678")
    cit.click("button[type=submit]")
    cit.wait_for_url(f"{base}/portal/progress/{number}/")
    text = cit.inner_text("main")
    assert "已办结" in text and "隔音围挡" in text and "张三丰" not in text and "13812345678" not in text
    assert_no_horizontal_scroll(cit)
    shot(cit, "10-portal-progress-375")


def test_citizen_submits_on_the_portal_and_votes(browser, live_server, operator, supervisor):
    base = live_server.url
    cit = new_page(browser, PHONE, mobile=True)
    cit.goto(f"{base}/portal/submit/")
    cit.select_option("#id_ticket_type", "help")
    cit.fill("#id_content", "我家楼下路灯坏了一个月，晚上很不安全")
    cit.fill("#id_citizen_phone", "13700001234")
    cit.fill("#id_captcha", "99")
    cit.click("#btn-submit")
    assert "验证码不正确" in cit.inner_text("#f-captcha")
    assert cit.input_value("#id_content").startswith("我家楼下路灯")  # nothing typed is lost
    shot(cit, "11-portal-captcha-error-375")
    cit.fill("#id_captcha", captcha_answer(cit))
    cit.click("#btn-submit")
    number = cit.inner_text("#ticket-number").strip()
    assert re.fullmatch(r"\d{11}", number)
    assert_no_horizontal_scroll(cit)
    shot(cit, "12-portal-submitted-375")

    from cases.selectors import case_draft
    from cases.services import case_publish
    from hotline.services.tickets import ticket_answer_directly

    answered = ticket_answer_directly(ticket=Ticket.objects.get(number=number), actor=operator,
                                      answer="已通知供电公司维修，联系人电话13511112222")
    case_publish(ticket=answered, actor=supervisor, **case_draft(answered))  # reviewed for the public
    cit.goto(f"{base}/portal/cases/")
    assert "13511112222" not in cit.content() and "13700001234" not in cit.content()
    cit.click("button[value=satisfied] >> nth=0")
    cit.wait_for_selector(".voted")
    assert_no_horizontal_scroll(cit)
    shot(cit, "13-portal-cases-375")
