"""In Chromium: the portal's captcha refresh keeps the form, the public case list shows only reviewed
cases and searches, every page's icon answers, the reports fit a phone, long titles are cut."""
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from cases import services as case_services
from dispatch import services as ds
from hotline.models import Category, Channel, Ticket
from hotline.services import tickets as ts
from tests import factories
from web import captcha

from .browser import DESKTOP, PHONE, _watch, assert_no_horizontal_scroll, expect_failure, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPLAINT = "小区东门的路灯已经坏了两个星期，晚上出行很不安全，请尽快修复"
PHONE_NUMBER = "13700001234"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def captcha_answer(page) -> str:
    """What a person reads off the picture: here, from the browser's server-side session."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    stored = SessionStore(session_key=key)[captcha.SESSION_KEY]
    return next(str(n) for n in range(-10, 20) if captcha._digest(stored["salt"], str(n)) == stored["digest"])


def fill_complaint(page) -> None:
    page.select_option("#id_ticket_type", "complaint")
    page.fill("#id_content", COMPLAINT)
    page.fill("#id_citizen_phone", PHONE_NUMBER)
    page.fill("#id_citizen_name", "王五")


def assert_form_kept(page) -> None:
    assert page.input_value("#id_content") == COMPLAINT
    assert page.input_value("#id_citizen_phone") == PHONE_NUMBER
    assert page.input_value("#id_citizen_name") == "王五"
    assert page.input_value("#id_ticket_type") == "complaint"


@pytest.mark.parametrize("viewport, label", [(PHONE, "375"), (DESKTOP, "1920")])
def test_captcha_refresh_keeps_the_form_and_the_new_question_counts(browser, live_server, viewport, label):
    page = new_page(browser, viewport, mobile=viewport is PHONE)
    page.goto(f"{live_server.url}/portal/submit/")
    fill_complaint(page)
    page.fill("#id_captcha", "99")
    old_image, old_answer = page.get_attribute("#captcha-img", "src"), captcha_answer(page)
    page.click("#captcha-refresh")
    page.wait_for_function("old => document.querySelector('#captcha-img').src !== old", arg=old_image)
    assert page.url.endswith("/portal/submit/")  # no page load: htmx replaced the field
    assert_form_kept(page)
    assert page.input_value("#id_captcha") == ""  # the answer to the old question is gone
    new_answer = captcha_answer(page)
    assert new_answer != old_answer or page.get_attribute("#captcha-img", "src") != old_image
    if viewport is PHONE:
        assert_no_horizontal_scroll(page)
    shot(page, f"portal-captcha-refreshed-{label}")
    page.fill("#id_captcha", new_answer)
    page.click("#btn-submit")
    page.wait_for_url("**/portal/submitted/")
    ticket = Ticket.objects.get()
    assert ticket.content == COMPLAINT and ticket.citizen.phone == PHONE_NUMBER
    assert ticket.number in page.inner_text("main")
    page.context.close()


def test_captcha_refresh_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    context.on("page", _watch)
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/submit/")
    fill_complaint(page)
    old_image = page.get_attribute("#captcha-img", "src")
    page.click("#captcha-refresh")
    page.wait_for_load_state()
    assert_form_kept(page)
    assert page.get_attribute("#captcha-img", "src") != old_image
    assert page.locator(".errorlist").count() == 0
    page.fill("#id_captcha", captcha_answer(page))
    page.press("#id_captcha", "Enter")  # Enter submits; it does not ask for another question
    page.wait_for_url("**/portal/submitted/")
    assert Ticket.objects.get().content == COMPLAINT
    context.close()


def test_refused_refresh_keeps_the_question(browser, live_server, settings):
    settings.PORTAL_RATE_LIMITS = settings.PORTAL_RATE_LIMITS | {"portal_captcha": (1, 600)}
    page = new_page(browser, DESKTOP)
    page.goto(f"{live_server.url}/portal/submit/")
    fill_complaint(page)
    first = page.get_attribute("#captcha-img", "src")
    page.click("#captcha-refresh")
    # the first refresh is allowed: wait until its new question is on the page
    page.wait_for_function("old => document.querySelector('#captcha-img').src !== old", arg=first)
    assert page.locator("#captcha-refused").count() == 0
    shown = page.get_attribute("#captcha-img", "src")
    page.click("#captcha-refresh")
    page.wait_for_selector("#captcha-refused")
    assert "换题过于频繁" in page.inner_text("#f-captcha")
    assert page.get_attribute("#captcha-img", "src") == shown
    assert_form_kept(page)
    page.context.close()


# --- the public case list ---------------------------------------------------------------

def closed_ticket(people, unit, content, category=None, ticket_type="complaint"):
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type=ticket_type,
                                content=content, citizen_phone="13812345678", citizen_name="张三丰",
                                category=category or factories.category())
    ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit)
    ds.ticket_sign(ticket=ticket, actor=people["staff_a"])
    ds.ticket_reply(ticket=ticket, actor=people["staff_a"], text="已处理完毕，联系人13999998888")
    if ds.reply_review_required(ticket_type):  # 办结审核: the office approves a complaint's reply
        ds.ticket_review_approve(ticket=ticket, actor=people["supervisor"])
    ds.survey_record(ticket=ticket, actor=people["operator"], result="satisfied")
    return Ticket.objects.get(pk=ticket.pk)


def two_categories():
    picked = []
    for root in Category.objects.filter(level=1).order_by("pk"):
        leaf = Category.objects.filter(level=3, full_name__startswith=root.full_name + "/").order_by("pk").first()
        if leaf:
            picked.append(leaf)
        if len(picked) == 2:
            return picked
    pytest.skip("the taxonomy has fewer than two first-level categories")


LONG_TITLE = "关于东门外燃气管道施工后道路一直没有恢复、雨天积水严重影响居民出行的情况反映"


@pytest.mark.parametrize("viewport, label", [(PHONE, "375"), (DESKTOP, "1920")])
def test_public_cases_only_reviewed_and_searchable(browser, live_server, people, unit_a, viewport, label):
    lamp_category, road_category = two_categories()
    lamp = closed_ticket(people, unit_a, "张三丰反映东门路灯坏了，电话13812345678", lamp_category)
    road = closed_ticket(people, unit_a, "东门外道路施工后没有恢复", road_category)
    closed_ticket(people, unit_a, "这件没有审核公开的工单不应出现")
    case_services.case_publish(ticket=lamp, actor=people["supervisor"], title="东门路灯修复",
                               summary=lamp.content, answer="已更换路灯")
    case_services.case_publish(ticket=road, actor=people["supervisor"], title=LONG_TITLE,
                               summary=road.content, answer="已恢复路面")

    page = new_page(browser, viewport, mobile=viewport is PHONE)
    page.goto(f"{live_server.url}/portal/cases/")
    main = page.inner_text("main")
    assert "东门路灯修复" in main and "没有审核公开" not in main
    for secret in ("张三丰", "13812345678", "13999998888"):
        assert secret not in page.content()
    assert page.locator("article.case").count() == 2
    # The long title is cut, whole on hover (title="") and on tap.
    cut = page.locator(f"#case-{road.pk} .cut-title")
    assert cut.get_attribute("title") == LONG_TITLE
    short, full = cut.locator(".cut-short"), cut.locator(".cut-full")
    assert short.inner_text().endswith("…") and LONG_TITLE not in short.inner_text()
    assert full.bounding_box()["width"] <= 1  # there for screen readers only
    if viewport is PHONE:
        assert_no_horizontal_scroll(page)
        cut.tap()
    else:
        cut.click()
    assert short.is_hidden() and full.bounding_box()["width"] > 100 and full.inner_text() == LONG_TITLE
    shot(page, f"portal-cases-{label}")

    page.fill("#id_q", "路灯")
    page.click("#btn-case-search")
    page.wait_for_load_state()
    assert page.locator("article.case").count() == 1 and "东门路灯修复" in page.inner_text("main")
    assert "找到 1 个案例" in page.inner_text("#case-count")

    page.goto(f"{live_server.url}/portal/cases/")
    page.select_option("#id_category", str(road_category.root_id))
    page.click("#btn-case-search")
    page.wait_for_load_state()
    assert page.locator("article.case").count() == 1 and page.locator(f"#case-{road.pk}").count() == 1
    month = page.locator("#id_month option").nth(1).get_attribute("value")
    page.select_option("#id_month", month)
    page.fill("#id_q", "不会有的词")
    page.click("#btn-case-search")
    page.wait_for_load_state()
    assert page.locator("article.case").count() == 0 and page.locator("#no-cases").is_visible()
    if viewport is PHONE:
        assert_no_horizontal_scroll(page)
    shot(page, f"portal-cases-filtered-{label}")
    page.context.close()


def test_supervisor_reviews_and_publishes_from_the_ticket_page(browser, live_server, people, unit_a):
    ticket = closed_ticket(people, unit_a, "张三丰反映西门垃圾桶满了没人清，电话13812345678")
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, people["supervisor"].username)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.click("#btn-case")
    page.wait_for_url(f"**/tickets/{ticket.pk}/case/")
    summary = page.input_value("#id_summary")
    assert "垃圾桶" in summary and "张三丰" not in summary and "13812345678" not in summary
    page.fill("#id_title", "西门垃圾桶及时清运")
    shot(page, "case-review-1920")
    page.click("#btn-case-publish")
    page.wait_for_selector("text=已公开为典型案例")
    public = new_page(browser, PHONE, mobile=True)
    public.goto(f"{live_server.url}/portal/cases/")
    assert "西门垃圾桶及时清运" in public.inner_text("main")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-case-withdraw")
    page.wait_for_selector("text=已撤回公开")
    public.reload()
    assert "西门垃圾桶及时清运" not in public.inner_text("main")
    public.context.close()
    page.context.close()


# --- icons on every page ----------------------------------------------------------------

ICON_PAGES = {
    None: ["/login/", "/portal/", "/portal/submit/", "/portal/cases/", "/portal/query/", "/no-such-page/",
           "/admin/login/", "/api/schema/docs/", "/display/pair/"],
    "supervisor": ["/board/", "/tickets/", "/reports/", "/reports/ranking/", "/reports/categories/",
                   "/reports/lights/", "/reports/hot-topics/", "/dev/phone/",
                   "/console/missed-calls/", "/tickets/{ticket}/case/"],
    "operator": ["/console/", "/reports/"],
    "leader": ["/m/"],
    "staff_a": ["/unit/", "/reports/"],
    "display": ["/display/", "/console/missed-calls/"],  # the board; the telephony app's own 403 page
}
EXPECTED_ERRORS = ("/no-such-page/", "/console/missed-calls/")


def test_every_page_links_an_icon_that_answers(browser, live_server, people, unit_a, settings):
    for part in EXPECTED_ERRORS:
        expect_failure(part)
    ticket = closed_ticket(people, unit_a, "门口路灯不亮")
    page = new_page(browser, DESKTOP)
    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200
    assert page.request.get(f"{live_server.url}/favicon.ico").headers["content-type"] == "image/x-icon"
    checked = set()
    for who, urls in ICON_PAGES.items():
        page = new_page(browser, DESKTOP)
        if who:
            login(page, live_server.url, people[who].username)
        for url in urls:
            page.goto(live_server.url + url.format(ticket=ticket.pk))
            page.wait_for_load_state()
            hrefs = page.eval_on_selector_all("link[rel~=icon]", "links => links.map(l => l.href)")
            assert hrefs, f"{url} ({who}) links no icon"
            for href in hrefs:
                if href not in checked:
                    assert page.request.get(href).status == 200, href
                    checked.add(href)
        page.context.close()
    # The API's reference page links none: the browser's own /favicon.ico answers for it.
    page = new_page(browser, DESKTOP)
    page.goto(f"{live_server.url}/api/schema/redoc/")
    assert page.request.get(f"{live_server.url}/favicon.ico").ok
    page.context.close()


# --- reports on a phone, and the menus that lead there -----------------------------------

REPORT_PAGES = ["/reports/", "/reports/ranking/", "/reports/categories/", "/reports/lights/?light=red",
                "/reports/hot-topics/"]


@pytest.mark.parametrize("viewport, label", [(PHONE, "375"), (DESKTOP, "1920")])
def test_reports_fit_a_phone_and_the_menu_leads_there(browser, live_server, people, unit_a, viewport, label):
    closed_ticket(people, unit_a, "门口路灯不亮")
    page = new_page(browser, viewport, mobile=viewport is PHONE)
    login(page, live_server.url, people["supervisor"].username)
    page.goto(f"{live_server.url}/board/")
    page.click("nav.nav >> text=统计报表")
    page.wait_for_url("**/reports/")
    for url in REPORT_PAGES:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        if viewport is PHONE:
            assert_no_horizontal_scroll(page)
            # Wide tables scroll inside their own box.
            for box in page.locator("table").all():
                assert box.evaluate("t => [t, t.parentElement].some("
                                    "e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))")
        shot(page, f"{re.sub(r'[/?=]+', '-', url).strip('-')}-{label}")
    page.context.close()


@pytest.mark.parametrize("who", ["operator", "leader", "staff_a"])
def test_menus_link_reports_for_those_who_may_see_them(browser, live_server, people, who):
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, people[who].username)
    link = page.locator("nav.nav a[href='/reports/']")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/reports/") and "统计总览" in page.inner_text("h1")
    assert_no_horizontal_scroll(page)
    page.context.close()


def test_board_titles_are_cut_with_the_whole_title_on_hover(browser, live_server, people, unit_a):
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                title=LONG_TITLE + "，2024年3月15日起至今已有120000人次受影响", content="详情见标题",
                                category=factories.category())
    ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, people["supervisor"].username)
    page.goto(f"{live_server.url}/tickets/")
    cut = page.locator(f"a[href='/tickets/{ticket.pk}/'] .cut-title").first
    text = cut.inner_text()
    assert text.endswith("…") and cut.get_attribute("title") == ticket.title
    assert not re.search(r"\d…$", text)  # never inside a number
    cut.tap()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert ticket.title in page.inner_text("h1")
    page.context.close()
