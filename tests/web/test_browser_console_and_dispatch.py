"""Issue #24 in the browser, at 1920 and 375 px: the console finds 城市公共设施 when the operator
types 路灯; a dispatch without a category is refused on the page (and the category is given
there); the unit the console suggested is pre-selected in the dispatch form; `manage.py
cti_call` makes the open console pop up with the caller's number."""
import re

import pytest
from django.core.management import call_command

from hotline.models import Category, Channel, Ticket, TicketState
from hotline.services import tickets as ts

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, expect_failure, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STREET_LIGHTS = "城乡建设/城市建设和市政管理/城市公共设施"
SIZES = [pytest.param(DESKTOP, "1920", id="1920"), pytest.param(PHONE, "375", id="375")]


def open_page(browser, viewport):
    return new_page(browser, viewport, mobile=viewport is PHONE)


def search_category(page, words: str, full_name: str):
    page.fill("#cat-q", words)
    pick = page.locator(f"#cat-results .cat-pick[data-name='{full_name}']")
    pick.wait_for()
    return pick


@pytest.mark.parametrize("viewport, size", SIZES)
def test_typing_streetlight_in_the_console_finds_the_street_light_category(browser, live_server, people,
                                                                           viewport, size):
    page = open_page(browser, viewport)
    login(page, live_server.url, "operator")
    pick = search_category(page, "路灯", STREET_LIGHTS)
    results = page.inner_text("#cat-results")
    assert "没有找到匹配的分类" not in results and "· 路灯" in results
    shot(page, f"24-console-category-streetlight-{size}")
    pick.click()
    assert STREET_LIGHTS in page.inner_text("#cat-chosen")
    assert page.input_value("#id_category") == str(Category.objects.get(full_name=STREET_LIGHTS).pk)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport, size", SIZES)
def test_dispatch_without_a_category_is_refused_on_the_page_and_the_category_is_given_there(
        browser, live_server, people, unit_a, unit_b, viewport, size):
    Category.objects.filter(full_name=STREET_LIGHTS).update(default_unit=unit_b)
    ticket = ts.ticket_register(actor=None, actor_label="短信", channel=Channel.SMS, ticket_type="complaint",
                                content="幸福路东段路灯不亮一周了", citizen_phone="13812345678")
    assert ticket.category is None  # an SMS ticket arrives uncategorised
    page = open_page(browser, viewport)
    login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert "派单前须选择" in page.inner_text("#cat-chosen")
    page.select_option("#id_lead_unit", str(unit_a.pk))
    expect_failure(f"/tickets/{ticket.pk}/do/dispatch/")  # the refusal is a 400 page
    page.click("#btn-dispatch")
    page.wait_for_selector("#category-errors")
    assert "工单尚未选择诉求分类，请先选择分类再派单" in page.inner_text("#category-errors")
    assert page.locator("#dispatch-confirm").count() == 0
    shot(page, f"25-dispatch-refused-without-category-{size}")

    search_category(page, "路灯", STREET_LIGHTS).click()
    assert STREET_LIGHTS in page.inner_text("#cat-chosen") and page.locator("#category-errors").count() == 0
    assert page.input_value("#id_lead_unit") == str(unit_a.pk)  # the supervisor's own choice stays
    page.click("#btn-dispatch")
    page.wait_for_selector("#dispatch-confirm")
    assert STREET_LIGHTS in page.inner_text("#confirm-category")
    shot(page, f"26-dispatch-confirm-with-category-{size}")
    page.click("#btn-confirm-dispatch")
    page.wait_for_selector(".messages")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED and ticket.category.full_name == STREET_LIGHTS
    assert ticket.lead_unit == unit_a
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport, size", SIZES)
def test_the_unit_the_console_suggested_is_preselected_in_the_dispatch_form(
        browser, live_server, people, unit_a, unit_b, viewport, size):
    # No model is trained here: the console's suggestion is the unit whose duty keywords the text names.
    unit_b.keywords = "路灯 井盖 红绿灯"
    unit_b.save()
    op = open_page(browser, viewport)
    login(op, live_server.url, "operator")
    op.fill("#id_citizen_phone", "13812345678")
    op.fill("#id_content", "幸福路东段路灯不亮一周了，晚上出行不安全")
    op.wait_for_selector(f"#suggest >> text={unit_b.name}")
    assert "建议承办单位" in op.inner_text("#suggest")
    search_category(op, "路灯", STREET_LIGHTS).click()
    op.click("#btn-register")
    op.wait_for_selector("#done")
    number = re.search(r"\d{11}", op.inner_text("#done")).group(0)
    ticket = Ticket.objects.get(number=number)

    sup = open_page(browser, viewport)
    login(sup, live_server.url, "supervisor")
    sup.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert sup.input_value("#id_lead_unit") == str(unit_b.pk)
    assert unit_b.name in sup.inner_text("#unit-suggestion")
    shot(sup, f"27-dispatch-suggested-unit-{size}")
    assert_no_horizontal_scroll(sup)


@pytest.mark.parametrize("viewport, size", SIZES)
def test_the_cti_call_command_pops_up_the_open_console(browser, live_server, people, settings, viewport, size):
    """As in the demo: the console is open in the browser, `manage.py cti_call … --extension 8001`
    runs apart from the server (here: in the test's thread, its address being the demo's default
    PUBLIC_BASE_URL) and reaches the server through its CTI webhook."""
    settings.PUBLIC_BASE_URL = live_server.url
    ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                       content="小区门口路灯不亮", citizen_phone="13071023136", citizen_name="韩秀兰",
                       category=Category.objects.get(full_name=STREET_LIGHTS))
    page = open_page(browser, viewport)
    login(page, live_server.url, "operator")
    page.wait_for_function("() => window.hotlineLive && window.hotlineLive.status === 'open'")
    assert page.input_value("#id_citizen_phone") == ""
    call_command("cti_call", "13071023136", "--extension", "8001")
    page.wait_for_selector("#caller-box.popup")
    popup = page.inner_text("#caller")
    assert "13071023136" in popup and "韩秀兰" in popup and "历史工单 1 件" in popup
    assert page.input_value("#id_citizen_phone") == "13071023136"
    assert page.input_value("#id_citizen_name") == "韩秀兰"
    assert page.input_value("input[name=call_id]").startswith("demo-")
    shot(page, f"28-console-cti-call-popup-{size}")
    assert_no_horizontal_scroll(page)
