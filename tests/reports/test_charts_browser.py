"""Issue 18 item 6 in Chromium: the report dashboard and the LED board draw their charts (a canvas
in every chart box, no console error or CSP violation: tests/web/browser.py fails the test on
either), and the board's charts follow its refresh."""
import pytest

from tests.web.browser import browser, login, new_page, shot  # noqa: F401 - browser: the shared Chromium fixture

from .test_display_browser import board_data, open_board, pages  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = """ids => ids.filter(id => {
  const c = document.querySelector('#' + id + ' canvas');
  return !(c && c.width > 50 && c.height > 50);
})"""


def test_the_dashboard_draws_its_charts(live_server, board_data, browser, supervisor):  # noqa: F811
    page = new_page(browser, {"width": 1366, "height": 900})
    login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/reports/")
    ids = ["chart-trend", "chart-channel", "chart-type", "chart-cat1", "chart-units"]
    page.wait_for_function(f"() => document.querySelectorAll('.charts canvas').length >= {len(ids)}")
    assert page.evaluate(DRAWN, ids) == []
    units = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-units'))"
                          ".getOption().xAxis[0].data")
    assert set(units) == {"县住房和城乡建设局", "县交通运输局"}
    shot(page, "reports-dashboard-charts")


def test_the_board_draws_its_charts_and_follows_the_refresh(live_server, board_data, browser, pages):  # noqa: F811
    page = open_board(pages, browser, live_server, board_data, 1920, 1080)
    ids = ["chart-trend", "chart-categories", "chart-channels", "chart-units"]
    page.wait_for_function("() => document.querySelector('#chart-units canvas')")
    assert page.evaluate(DRAWN, ids) == []
    pie = "() => echarts.getInstanceByDom(document.getElementById('chart-channels')).getOption().series[0].data"
    assert {d["name"]: d["value"] for d in page.evaluate(pie)} == {"电话": 10}
    # The board's refresh (a new snapshot from the feed or the socket) redraws the charts.
    page.evaluate("""() => {
      const s = JSON.parse(JSON.stringify(window.__lastSnapshot || JSON.parse(
        document.getElementById('initial-snapshot').textContent)));
      s.month.by_channel = [{channel: '电话', count: 10}, {channel: '网站', count: 3}];
      window.displayBoard.render(s);
    }""")
    assert {d["name"]: d["value"] for d in page.evaluate(pie)} == {"电话": 10, "网站": 3}
    shot(page, "display-charts-1920x1080")
