"""What the pages do with other apps' parts when they are there: live.js's `ticket-event`
refreshes lists in place; the suggestion and duplicate endpoints fill the console's slots."""
import json

import pytest

from dispatch import services as ds
from hotline.models import Category, Channel
from hotline.services import tickets as ts

from .browser import DESKTOP, PHONE, login, new_page, shot, wait_for_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticket_event_refreshes_the_leader_queue_without_reload(browser, live_server, people):
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, "leader")
    assert "暂无待批示" in page.inner_text("#leader-queue")
    page.evaluate("window.__marker = 'same page'")
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="help",
                                content="独居老人家中停水三天", citizen_phone="13812345678")
    ds.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"])
    page.evaluate("""(t) => document.body.dispatchEvent(new CustomEvent('ticket-event', {detail:
        {id: 1, ticket_id: t.id, number: t.number, kind: 'submit_for_approval', state: 'pending_approval'}}))""",
                  {"id": ticket.pk, "number": ticket.number})
    page.wait_for_selector(f"#leader-queue >> text={ticket.number}")
    assert page.evaluate("window.__marker") == "same page"


def test_console_shows_suggestions_and_similar_tickets(browser, live_server, people):
    page = new_page(browser, DESKTOP)
    page.route("**/api/intelligence/suggest/**", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps({"model_version": 1, "deeper": None,
                         "categories": [{"label": "城乡建设", "category_id": 1, "confidence": 0.87}],
                         "unit": {"id": 2, "name": "县住房和城乡建设局", "confidence": 0.87, "source": "model"}})))
    page.route("**/api/intelligence/duplicates/**", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps({"results": [{"id": 9, "number": "26112200009", "title": "幸福小区施工噪音",
                                      "state": "in_progress", "state_label": "办理中", "reasons": ["内容相似"]}]})))
    login(page, live_server.url, "operator")
    page.fill("#id_content", "幸福小区工地夜间施工噪音扰民")
    page.wait_for_selector("#suggest >> text=县住房和城乡建设局")
    page.wait_for_selector("#dup-warning >> text=26112200009")
    assert "87%" in page.inner_text("#suggest")
    page.click("[data-adopt-category]")
    assert page.input_value("#id_category") == "1"
    shot(page, "14-console-suggestions-1920")


def test_console_warns_of_a_real_similar_open_ticket(browser, live_server, people, unit_a):
    """No mocks: the duplicates endpoint finds the caller's open ticket while the operator types;
    with no classifier trained the suggestion slot stays empty and the form still works."""
    earlier = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                 content="幸福小区工地夜间施工噪音扰民，影响休息", citizen_phone="13812345678",
                                 address="幸福小区东门")
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "operator")
    page.fill("#id_citizen_phone", "13812345678")
    page.fill("#id_address", "幸福小区东门")
    page.fill("#id_content", "幸福小区工地夜间施工噪音扰民")
    page.wait_for_selector(f"#dup-warning >> text={earlier.number}")
    assert "同一来电人" in page.inner_text("#dup-warning")
    assert page.inner_text("#suggest").strip() == ""
    shot(page, "15-console-similar-ticket-1920")


def test_live_refresh_never_wipes_what_is_being_typed(browser, live_server, people, unit_a):
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="help",
                                content="路灯不亮", citizen_phone="13812345678",
                                category=Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施"))
    ticket = ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)
    ds.ticket_sign(ticket=ticket, actor=people["staff_a"])
    ds.ticket_reply(ticket=ticket, actor=people["staff_a"], text="已更换路灯灯泡，晚上已能正常照明")
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/console/callbacks/")
    field = f"#id_t{ticket.pk}-comment"
    page.fill(field, "市民说晚上亮了，很满意")
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.evaluate("document.body.dispatchEvent(new CustomEvent('ticket-event', {detail: {ticket_id: 1}}))")
    page.wait_for_timeout(1500)
    refreshed = any("/console/callbacks/" in url for url in seen)
    assert not refreshed
    assert page.input_value(field) == "市民说晚上亮了，很满意"
    # Not left stale in silence: the list says so, and a click reloads it with the text kept.
    assert "有1条新动态，点击刷新" in page.inner_text("#callback-list [data-live-notice]")
    page.click("#callback-list [data-live-load]")
    page.wait_for_function("() => !document.querySelector('#callback-list [data-live-notice]')")
    assert any("/console/callbacks/" in url for url in seen)
    wait_for_value(page, field, "市民说晚上亮了，很满意")
