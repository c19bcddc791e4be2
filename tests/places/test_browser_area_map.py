"""In Chromium: the area map draws (a canvas, no console error, no CSP violation) and clicking a
town opens that town's tickets."""
import pytest
from django.utils import timezone

from hotline.models import Ticket
from tests import factories as f
from tests.web.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, label", [(DESKTOP, "1920"), (PHONE, "375")])
def test_the_map_draws_and_a_click_lists_the_towns_tickets(browser, live_server, people, viewport, label):
    red = f.dispatched(people, co=False, area="槐店镇")
    Ticket.objects.filter(pk=red.pk).update(due_at=timezone.now() - timezone.timedelta(hours=1))
    other = f.registered(people, area="东城街道")
    page = new_page(browser, viewport, mobile=viewport is PHONE)
    login(page, live_server.url, people["supervisor"].username)
    page.goto(f"{live_server.url}/reports/areas/")
    page.wait_for_selector("#area-map[data-drawn='1'] canvas")
    if viewport is PHONE:
        assert_no_horizontal_scroll(page)
    shot(page, f"area-map-{label}")
    # Where echarts drew 槐店镇's centre point, as a person would see it, then a real click there.
    x, y = page.evaluate("""() => {
        const node = document.getElementById('area-map');
        const chart = echarts.getInstanceByDom(node);
        const [px, py] = chart.convertToPixel({seriesIndex: 0}, [115.12, 33.28]);
        const box = node.getBoundingClientRect();
        return [box.left + px, box.top + py];
    }""")
    page.mouse.click(x, y)
    page.wait_for_url("**/reports/areas/tickets/**")
    assert "槐店镇" in page.inner_text("#area-title")
    listed = page.inner_text("#area-tickets")
    assert red.number in listed and "红灯" in listed and other.number not in listed
