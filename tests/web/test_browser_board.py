"""The supervisor's board in headless Chromium, with the live push through the real websocket:
it never stops updating in silence while a 审核意见 is being written, an operator gets no
催办/督办 buttons (and a 403 if it tries anyway), and a second 催办 soon after the first asks."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from dispatch import services as ds
from hotline.models import Channel, Ticket, TicketEvent
from hotline.services import tickets as ts
from tests import factories

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot, wait_for_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_WAIT = 6000  # ms: "a few seconds"


def register(people, content="幸福路路灯不亮，晚上行人看不清路"):
    return ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="help", content=content,
                              citizen_phone="13812345678", citizen_name="张三丰",
                              category=factories.category())


def extension_pending(people, unit_a, reason):
    ticket = ds.ticket_dispatch(ticket=register(people), actor=people["supervisor"], lead_unit=unit_a)
    ds.ticket_sign(ticket=ticket, actor=people["staff_a"])
    ds.extension_request(ticket=ticket, actor=people["staff_a"], reason=reason, extra_days=2)
    return ticket


def red(people, unit_a):
    ticket = ds.ticket_dispatch(ticket=register(people, "小区门口道路塌陷，存在安全隐患"), actor=people["supervisor"],
                                lead_unit=unit_a)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    return ticket


class Elsewhere:
    """Another person at another desk, acting through the API in a browser of their own: the
    server writes the events and pushes them to the board's websocket, as in production."""

    def __init__(self, browser, base: str, username: str):
        self.page = new_page(browser, DESKTOP)
        login(self.page, base, username)

    def post(self, path: str, body: dict) -> dict:
        answer = self.page.evaluate("""async ([path, body]) => {
            const csrf = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const r = await fetch(path, {method: 'POST', body: JSON.stringify(body),
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf}});
            return {status: r.status, json: await r.json()};
        }""", [path, body])
        assert answer["status"] in (200, 201), answer
        return answer["json"]

    def register(self, content: str) -> str:
        return self.post("/api/tickets/", {"ticket_type": "help", "content": content,
                                           "citizen_phone": "13812345678"})["number"]


def signed(people, unit_a):
    ticket = ds.ticket_dispatch(ticket=register(people), actor=people["supervisor"], lead_unit=unit_a)
    ds.ticket_sign(ticket=ticket, actor=people["staff_a"])
    return ticket


def wait_until_live(page) -> None:
    page.wait_for_function("() => window.hotlineLive && window.hotlineLive.status === 'open'")


def test_the_board_keeps_updating_while_an_extension_note_is_being_written(browser, live_server, people, unit_a):
    first = extension_pending(people, unit_a, "等待检测报告")
    waiting = signed(people, unit_a)
    operator = Elsewhere(browser, live_server.url, "operator")
    unit = Elsewhere(browser, live_server.url, "staff_a")
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "supervisor")
    assert page.url.endswith("/board/")
    wait_until_live(page)
    first_form = f"#sec-extensions form[action='/board/extensions/{first.extension_requests.get().pk}/decide/']"
    note = f"{first_form} input[name=note]"
    page.fill(note, "同意，但须在周五前回复市民")  # typed, and the field keeps the focus

    # A call registered elsewhere turns up in its own section within seconds, through the websocket.
    called = operator.register("幸福小区东门工地夜间施工噪音扰民")
    page.wait_for_selector(f"#sec-approval >> text={called}", timeout=LIVE_WAIT)
    # The section being written in says that there is news instead of going quiet, and keeps the text.
    page.wait_for_selector("#sec-extensions [data-live-notice] >> text=/有\\d+条新动态，点击刷新/",
                           timeout=LIVE_WAIT)
    assert page.input_value(note) == "同意，但须在周五前回复市民"
    assert page.evaluate("document.activeElement.name") == "note"

    # News for that very section: the unit asks for more time on another ticket. It waits for a click.
    unit.post(f"/api/tickets/{waiting.pk}/extensions/", {"reason": "需要协调燃气公司", "extra_days": 3})
    page.wait_for_function("() => /有([2-9]|\\d\\d+)条新动态/.test("
                           "document.querySelector('#sec-extensions [data-live-notice]').innerText)", timeout=LIVE_WAIT)
    assert waiting.number not in page.inner_text("#sec-extensions")
    shot(page, "24-board-news-waiting-1920")
    page.click("#sec-extensions [data-live-load]")
    page.wait_for_selector(f"#sec-extensions >> text={waiting.number}", timeout=LIVE_WAIT)
    assert page.locator("#sec-extensions [data-live-notice]").count() == 0
    wait_for_value(page, note, "同意，但须在周五前回复市民")  # put back after the reload

    # Sending the note still works, and the board goes on updating afterwards.
    page.click(f"{first_form} button[value='1']")
    page.wait_for_selector(".messages >> text=延期申请已同意")
    assert first.extension_requests.get().decision_note == "同意，但须在周五前回复市民"
    wait_until_live(page)
    later = operator.register("公园健身器材损坏，老人锻炼不便")
    page.wait_for_selector(f"#sec-approval >> text={later}", timeout=LIVE_WAIT)
    shot(page, "24-board-1920")


def test_a_field_left_empty_again_lets_its_section_catch_up_by_itself(browser, live_server, people, unit_a):
    extension_pending(people, unit_a, "等待检测报告")
    waiting = signed(people, unit_a)
    unit = Elsewhere(browser, live_server.url, "staff_a")
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, "supervisor")
    wait_until_live(page)
    note = "#sec-extensions input[name=note]"
    page.fill(note, "再想想")
    unit.post(f"/api/tickets/{waiting.pk}/extensions/", {"reason": "需要协调燃气公司", "extra_days": 3})
    page.wait_for_selector("#sec-extensions [data-live-notice]", timeout=LIVE_WAIT)
    shot(page, "24-board-news-waiting-375")
    page.fill(note, "")
    page.locator(note).blur()  # nothing unsent any more: no click needed
    page.wait_for_selector(f"#sec-extensions >> text={waiting.number}", timeout=LIVE_WAIT)
    assert page.locator("#sec-extensions [data-live-notice]").count() == 0
    assert_no_horizontal_scroll(page)


def test_an_operator_sees_no_urge_buttons_and_is_refused_with_a_403(browser, live_server, people, unit_a):
    overdue = red(people, unit_a)
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/board/")
    assert overdue.number in page.inner_text("#sec-red")
    assert page.locator("#sec-red button").count() == 0
    assert "催办" not in page.inner_text("#sec-red").replace("未催办", "")
    assert_no_horizontal_scroll(page)
    shot(page, "24-board-operator-375")
    page.goto(f"{live_server.url}/tickets/{overdue.pk}/")
    assert page.locator("button", has_text="催办").count() == 0 and page.locator("button", has_text="督办").count() == 0

    # Posting anyway, with the operator's own session: the API and the page both answer 403.
    csrf = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    api = page.request.post(f"{live_server.url}/api/tickets/{overdue.pk}/urge/", data={},
                            headers={"X-CSRFToken": csrf})
    assert api.status == 403 and api.json()["error"]["message"] == "您的角色无权催办"
    posted = page.request.post(f"{live_server.url}/tickets/{overdue.pk}/do/supervise/",
                               form={"csrfmiddlewaretoken": csrf, "note": ""})
    assert posted.status == 403 and "您的角色无权督办" in posted.text()
    assert not TicketEvent.objects.filter(ticket=overdue, kind__in=["urge", "supervise"]).exists()


@pytest.mark.parametrize("viewport, label", [(PHONE, "375"), (DESKTOP, "1920")])
def test_a_second_urge_soon_after_the_first_asks_and_rows_count_urges(browser, live_server, people, unit_a,
                                                                      viewport, label):
    overdue = red(people, unit_a)
    ds.ticket_urge(ticket=overdue, actor=people["supervisor"], note="请抓紧")
    five_minutes_ago = timezone.now() - dt.timedelta(minutes=5)
    TicketEvent.objects.filter(ticket=overdue, kind="urge").update(created_at=five_minutes_ago)
    page = new_page(browser, viewport, mobile=viewport is PHONE)
    login(page, live_server.url, "supervisor")
    row = page.locator("#sec-red li", has_text=overdue.number)
    assert f"已催办1次 · 最近 {timezone.localtime(five_minutes_ago):%m-%d %H:%M}" in row.inner_text()

    row.locator("button", has_text="催办").click()
    page.wait_for_selector("#urge-again")
    question = page.inner_text("#urge-again")
    assert re.search(r"该工单 5 分钟前已催办（.+），仍要催办？", question)
    assert TicketEvent.objects.filter(ticket=overdue, kind="urge").count() == 1
    shot(page, f"24-urge-again-{label}")
    page.click("#btn-urge-again")
    page.wait_for_url(re.compile(r"/board/$"))
    assert f"工单 {overdue.number}：已催办" in page.inner_text(".messages")
    row = page.locator("#sec-red li", has_text=overdue.number)
    assert re.search(r"已催办2次 · 最近 \d\d-\d\d \d\d:\d\d", row.inner_text())
    assert TicketEvent.objects.filter(ticket=overdue, kind="urge").count() == 2
    if viewport is PHONE:
        assert_no_horizontal_scroll(page)
    shot(page, f"24-board-urged-{label}")
