"""In Chromium: the operator types a consultation, sees the matching point beside the form,
inserts its answer with Alt+Shift+1, answers directly (直接答复), and the closed ticket shows the
point on its timeline; a unit inserts a point into its reply with a click; a citizen searches
常见问题 on a 375 px phone."""
import pytest
from django.core.cache import cache

from dispatch import services as ds
from hotline.models import Category, Channel, Ticket, TicketState
from hotline.services import tickets as ts
from knowledge.models import KnowledgeUse
from tests.web.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

from .points import FUND_ANSWER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CALL = "市民来电咨询：我刚退休，住房公积金怎么提取，需要带什么材料？"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_operator_answers_a_consultation_from_a_point(browser, live_server, kb, operator):
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/console/")
    page.fill("#id_citizen_phone", "13812345678")
    page.check("input[name=ticket_type][value=consultation]")
    page.fill("#id_content", CALL)
    first = page.locator("#kp-slot .kp-hit").first
    first.wait_for()
    assert first.get_attribute("id") == f"kp-{kb.fund.pk}"
    assert "公积金" in first.locator("mark").all_inner_texts()  # the words found, highlighted
    assert "县住房和城乡建设局" in first.inner_text() and "县住建〔2024〕12号" in first.inner_text()
    shot(page, "knowledge-console-points-1920")
    page.focus("#id_content")
    page.keyboard.press("Alt+Shift+Digit1")
    assert page.input_value("#id_answer") == FUND_ANSWER
    assert page.input_value("input[name=knowledge_point]") == str(kb.fund.pk)
    assert page.is_visible("#kp-chosen") and "住房公积金提取条件和办理流程" in page.inner_text("#kp-chosen")
    shot(page, "knowledge-console-inserted-1920")
    page.click("#btn-answer")
    page.wait_for_url("**/console/?done=*")
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.CLOSED and ticket.closed_by_hotline and ticket.direct_answer == FUND_ANSWER
    assert KnowledgeUse.objects.get().ticket == ticket
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    timeline = page.inner_text("main")
    assert "引用知识点答复" in timeline and f"住房公积金提取条件和办理流程（第{kb.fund.version}版）" in timeline
    shot(page, "knowledge-ticket-timeline-1920")


def test_unit_inserts_a_point_into_its_reply(browser, live_server, kb, operator, supervisor, staff_a, unit_a):
    ticket = ts.ticket_register(actor=operator, channel=Channel.PHONE, ticket_type="help", title="退休后公积金提取",
                                content="退休后去提取住房公积金被拒，需要什么材料", citizen_phone="13812345678")
    ds.ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a,
                       category=Category.objects.filter(level=3).order_by("pk").first())
    ds.ticket_sign(ticket=ticket, actor=staff_a)
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "staff_a")
    page.goto(f"{live_server.url}/unit/tickets/{ticket.pk}/")
    page.click(f"#kp-{kb.fund.pk} .kp-insert")
    assert page.input_value("#id_text") == FUND_ANSWER
    shot(page, "knowledge-unit-reply-1920")
    page.click("#btn-reply")
    page.wait_for_load_state()
    assert KnowledgeUse.objects.get().kind == "unit_reply"


def test_citizen_searches_the_faq_on_a_phone(browser, live_server, kb):
    page = new_page(browser, PHONE, mobile=True)
    page.goto(f"{live_server.url}/portal/")
    page.click("a[href='/portal/faq/']")
    page.fill("#faq-q", "退休了公积金怎么取")
    page.click("#btn-faq-search")
    page.wait_for_selector(f"#faq-{kb.fund.pk}")
    assert f"#faq-{kb.internal.pk}" not in page.content() and "内部口径" not in page.inner_text("main")
    assert_no_horizontal_scroll(page)
    shot(page, "knowledge-portal-faq-375")
    page.click(f"#faq-{kb.fund.pk} a")
    page.wait_for_selector("#faq-answer")
    assert "县政务服务中心住房公积金窗口" in page.inner_text("#faq-answer")
    assert "县住建〔2024〕12号" in page.inner_text("#faq-source")
    assert_no_horizontal_scroll(page)
    shot(page, "knowledge-portal-point-375")
