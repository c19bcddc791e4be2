"""The LED display page in headless Chromium: at a full-HD wall, a 1366×768 screen, a small
768×384 wall (?size=, one panel at a time) and a 375 px phone. On every one nothing is cut off
(no text wider than its box, nothing outside the panel or the screen), no panel is empty, and
a case registered while the board is up appears on top of 最新诉求 at once.

Screenshots go to tests/screenshots/display-*.png for a person to look at."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from reports import rollup
from tests.web.browser import browser, new_page, shot  # noqa: F401 - browser: the shared Chromium fixture

from .factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANELS = ["intake", "rates", "trend", "topics", "ranking", "categories", "recent"]
SECRETS = ("建国", "13812345678", "430102199003071234", "128号", "3栋", "秀英")

# Every element with text, every panel: what the wall would cut off or leave blank.
MEASURE = """() => {
  // (below: more than half a line hidden; a tall glyph may stick out of a tight line box)
  const problems = [], vw = window.innerWidth, vh = window.innerHeight;
  const shown = el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
  for (const el of document.querySelectorAll('#stage *')) {
    if (!shown(el) || el.closest('.chart') || !el.textContent.trim()) continue;
    const what = `${el.tagName}.${el.className} «${el.textContent.trim().slice(0, 24)}»`;
    if (getComputedStyle(el).display !== 'inline' && el.scrollWidth > el.clientWidth + 1)
      problems.push(`cut off sideways: ${what} ${el.scrollWidth}>${el.clientWidth}`);
    const half = 0.5 * parseFloat(getComputedStyle(el).fontSize);
    if (getComputedStyle(el).display !== 'inline' && el.tagName !== 'TBODY' && el.scrollHeight > el.clientHeight + half)
      problems.push(`cut off below: ${what} ${el.scrollHeight}>${el.clientHeight}`);
    const r = el.getBoundingClientRect();
    if (r.width && (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1))
      problems.push(`outside the screen: ${what}`);
    const panel = el.closest('.panel');
    if (panel && r.height) {
      const p = panel.getBoundingClientRect();
      if (r.bottom > p.bottom + 1 || r.right > p.right + 1) problems.push(`cut off by ${panel.dataset.panel}: ${what}`);
    }
  }
  for (const panel of document.querySelectorAll('.panel')) {
    if (!shown(panel)) continue;
    const chart = panel.querySelector('.chart canvas');
    const body = [...panel.children].filter(c => c.tagName !== 'H2' && shown(c))
      .map(c => c.textContent).join('').trim();
    if (!(chart && chart.width > 50 && chart.height > 50) && !body)
      problems.push(`empty panel: ${panel.dataset.panel}`);
  }
  return problems;
}"""


@pytest.fixture
def board_data(transactional_db, unit_a, unit_b, display_device):
    from django.core.cache import cache

    from reports import display
    from reports.intelligence import hot_topics

    cache.clear()
    display._local.update(entry=None, until=0.0)
    titles = ["张建国反映人民路128号路灯不亮，电话13812345678", "幸福小区3栋噪音扰民",
              "学校乱收费，身份证430102199003071234", "龙洞镇山水华庭小区停水",
              "公交站台破损", "油烟扰民", "人民路井盖缺失", "解放路井盖缺失", "幸福小区停水", "井盖缺失"]
    now = timezone.now()
    for i, title in enumerate(titles):  # five judged tickets for each unit: both are ranked
        closed = ({"state": "closed", "closed_on_time": True, "closed_at": now} if i % 3 == 0
                  else {"state": "dispatched"})
        make_ticket(created=timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), title=title, content=title,
                    lead_unit=[unit_a, unit_b][i % 2], area="A3区", phone=f"139000000{i:02d}", name="李秀英",
                    dispatched_at=now, due_at=now - dt.timedelta(minutes=5), **closed)
    rollup.refresh()
    hot_topics.refresh_recent()
    return Token.objects.create(user=display_device)


@pytest.fixture
def pages():
    """The pages a test opened, closed at its end (a board left open keeps polling a database
    the next test has emptied)."""
    opened = []
    yield opened
    for page in opened:
        page.context.close()


def open_board(pages, browser, live_server, token, width, height, query=""):  # noqa: F811
    page = new_page(browser, {"width": width, "height": height})
    pages.append(page)
    page.goto(f"{live_server.url}/display/{query}")
    assert "/display/pair/" in page.url  # an unpaired kiosk is asked to pair
    page.fill("#token", token.key)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/display/{query}")
    assert token.key not in page.url
    page.wait_for_selector("#recent li", state="attached")
    page.wait_for_function("() => document.querySelector('#chart-trend canvas')")
    return page


@pytest.mark.parametrize("width, height, query", [
    (1920, 1080, ""), (1366, 768, ""), (1920, 1080, "?size=1920x1080"), (3840, 2160, ""),
])
def test_wall_shows_every_panel_whole(live_server, board_data, browser, pages, width, height, query):  # noqa: F811
    page = open_board(pages, browser, live_server, board_data, width, height, query)
    assert "rotating" not in page.get_attribute("#stage", "class")
    assert page.evaluate(MEASURE) == []
    shot(page, f"display-{width}x{height}")
    text = page.inner_text("#stage")
    for secret in SECRETS:
        assert secret not in text
    assert "龙洞镇山水华庭" in text  # places are not masked as people
    assert page.locator("#topics li").count() > 0 and page.locator("#ranking tr").count() > 0
    # Large type: the headline figures are at least 5% of the wall's height.
    size = page.eval_on_selector("#today-received", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 0.05 * height
    # The page reads the feed with its paired session (polling works without websockets).
    assert page.evaluate("fetch('/api/display/summary.json', {credentials: 'same-origin'}).then(r => r.status)") == 200


@pytest.mark.parametrize("width, height, query", [(768, 384, "?size=768x384"), (375, 812, "")])
def test_small_walls_rotate_one_whole_panel_at_a_time(live_server, board_data, browser, pages, width, height, query):  # noqa: F811
    page = open_board(pages, browser, live_server, board_data, width, height, query)
    assert "rotating" in page.get_attribute("#stage", "class")
    box = page.locator("#stage").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (width, height)
    for panel in PANELS:
        page.evaluate("name => window.displayBoard.show(name)", panel)
        assert page.eval_on_selector_all(".panel", "ps => ps.filter(p => p.offsetParent).map(p => p.dataset.panel)") \
            == [panel]
        assert page.evaluate(MEASURE) == [], panel
        shot(page, f"display-{width}x{height}-{panel}")
    first = page.eval_on_selector(".panel.active", "e => e.dataset.panel")
    page.wait_for_function(f"() => document.querySelector('.panel.active').dataset.panel !== '{first}'", timeout=15000)


def test_a_new_case_appears_on_top_at_once(live_server, board_data, browser, pages, operator):  # noqa: F811
    page = open_board(pages, browser, live_server, board_data, 1920, 1080)
    page.wait_for_function("() => document.querySelectorAll('#recent li').length > 3")
    page.wait_for_timeout(1000)  # the board's socket is open
    # An operator registers a case through the API, so the server publishes it as it would.
    operator_token = Token.objects.create(user=operator)
    response = page.context.request.post(f"{live_server.url}/api/tickets/", headers={
        "Authorization": f"Token {operator_token.key}"}, data={
        "ticket_type": "complaint", "channel": "phone", "title": "向阳花园门口王先生的车堵路",
        "content": "向阳花园门口车辆堵路", "citizen_phone": "13712345678", "citizen_name": "赵大伟"})
    assert response.status == 201, response.text()
    # On top at once, from the socket's frame: well before the next poll (15 s).
    page.wait_for_function("() => document.querySelector('#recent li.live .x')"
                           " && document.querySelector('#recent li .x').textContent.includes('向阳花园')",
                           timeout=8000)
    top = page.inner_text("#recent li:first-child")
    assert "向阳花园" in top and "王先生" not in top and "王某" in top
    assert page.evaluate(MEASURE) == []
    shot(page, "display-1920x1080-live")
