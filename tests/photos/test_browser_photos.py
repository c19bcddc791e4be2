"""In Chromium on a 375 px phone: a citizen files on the portal with two photos and 使用我的位置;
the operator sees the thumbnails and opens the full photo."""
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from PIL import Image

from hotline.models import Ticket
from photos.models import Photo
from tests.web.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot
from tests.web.test_browser_portal import captcha_answer

from .images import GPS_IFD, jpeg_with_gps, png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def as_file(upload, mime: str) -> dict:
    return {"name": upload.name, "mimeType": mime, "buffer": upload.read()}


def test_citizen_files_with_photos_and_location_and_the_operator_sees_them(browser, live_server, people):
    page = new_page(browser, PHONE, mobile=True)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 33.5201, "longitude": 115.0902})  # 老城镇
    page.goto(f"{live_server.url}/portal/submit/")
    page.select_option("#id_ticket_type", "complaint")
    page.fill("#id_content", "老城镇北街的井盖破损，已经有人摔倒，请尽快更换")
    page.fill("#id_citizen_phone", "13700001234")
    page.click("#btn-locate")  # shown by locate.js only where the browser can locate
    page.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
    assert "已记录位置" in page.inner_text("#locate-status")
    page.set_input_files("#id_photos", [as_file(jpeg_with_gps("井盖.jpg", orientation=6), "image/jpeg"),
                                        as_file(png("近景.png"), "image/png")])
    assert_no_horizontal_scroll(page)
    shot(page, "portal-photos-location-375")
    page.fill("#id_captcha", captcha_answer(page))
    page.click("#btn-submit")
    page.wait_for_url("**/portal/submitted/")
    ticket = Ticket.objects.get()
    assert ticket.area == "老城镇" and str(ticket.latitude) == "33.520100"
    photos = list(Photo.objects.filter(ticket=ticket))
    assert len(photos) == 2
    with default_storage.open(photos[0].image.name) as fh, Image.open(fh) as stored:
        assert not stored.getexif().get_ifd(GPS_IFD) and stored.size == (200, 400)  # upright, no GPS
    page.context.close()

    staff = new_page(browser, DESKTOP)
    login(staff, live_server.url, people["operator"].username)
    staff.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    thumbs = staff.locator("#ticket-photos img")
    assert thumbs.count() == 2
    staff.wait_for_function(
        "() => [...document.querySelectorAll('#ticket-photos img')].every(i => i.complete && i.naturalWidth > 0)")
    assert "老城镇" in staff.inner_text("#area")
    with staff.expect_popup() as popup:
        staff.click("#ticket-photos a >> nth=0")
    full = popup.value
    full.wait_for_load_state()
    full.wait_for_function("() => document.querySelector('#photo-full').complete")
    assert full.evaluate("() => document.querySelector('#photo-full').naturalWidth") == 200
    shot(staff, "ticket-photos-operator")
