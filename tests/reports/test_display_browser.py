"""The LED display page in headless Chromium at a full-HD wall and a small 768×384 wall.

Screenshots go to tests/screenshots/ for a person to look at."""
import os
import shutil
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from reports import rollup

from .factories import make_ticket

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (bin/install-chromium)"),
]


@pytest.fixture
def board_data(transactional_db, unit_a, unit_b, display_device):
    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    from reports import display

    display._local.update(entry=None, until=0.0)
    from hotline.models import Ticket

    titles = ["张建国反映人民路128号路灯不亮，电话13812345678", "幸福小区3栋噪音扰民",
              "学校乱收费，身份证430102199003071234",
              "公交站台破损", "油烟扰民", "人民路井盖缺失", "解放路井盖缺失"]
    for i, title in enumerate(titles):
        t = make_ticket(created="2025-03-03 09:00", title=title, content=title, lead_unit=[unit_a, unit_b][i % 2],
                        state="dispatched", area="A3区", phone=f"1390000000{i}", name="李秀英",
                        dispatched_at=timezone.now())
        Ticket.objects.filter(pk=t.pk).update(created_at=timezone.now())
    rollup.refresh()
    from reports.intelligence import hot_topics

    hot_topics.refresh_recent()
    return Token.objects.create(user=display_device)


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django is only used before and after.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("width, height, rotating", [(1920, 1080, False), (768, 384, True)])
def test_display_board_renders_on_the_wall(live_server, board_data, browser, width, height, rotating):
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{live_server.url}/display/?size={width}x{height}")
    assert "/display/pair/" in page.url  # an unpaired kiosk is asked to pair
    page.fill("#token", board_data.key)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/display/?size={width}x{height}")
    assert board_data.key not in page.url
    page.wait_for_selector("#recent li", state="attached")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"display-{width}x{height}.png"))
    body = page.inner_text("body") if not rotating else page.content()
    for secret in ("建国", "13812345678", "430102199003071234", "128号", "3栋", "秀英"):
        assert secret not in body
    stage = page.locator("#stage")
    assert ("rotating" in (stage.get_attribute("class") or "")) is rotating
    box = stage.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (width, height)
    # Large type: the headline figures are at least 6% of the wall's height.
    size = page.eval_on_selector(".panel.active .big, .panel .big", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 0.06 * height
    # The page reads the feed with its paired session (polling works without websockets).
    status = page.evaluate("fetch('/api/display/summary.json', {credentials: 'same-origin'}).then(r => r.status)")
    assert status == 200
    if rotating:
        first = page.eval_on_selector(".panel.active", "e => e.dataset.panel")
        page.wait_for_function(f"document.querySelector('.panel.active').dataset.panel !== '{first}'",
                               timeout=15000)
        page.screenshot(path=str(SHOTS / f"display-{width}x{height}-next.png"))
    page.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
