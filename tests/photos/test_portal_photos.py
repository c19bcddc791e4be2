"""The portal's 我要反映 with photos and a place: the citizen's photos arrive clean, a bad one
keeps the form and files nothing."""
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hotline.models import Ticket, TicketEvent
from photos.models import Photo
from web import captcha

from .images import GPS_IFD, HTML_PAGE, jpeg_with_gps, png, webp

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the row lock and bulk_create ids on PostgreSQL too

SUBMIT = {"ticket_type": "complaint", "citizen_name": "王五", "citizen_phone": "13700001234",
          "content": "槐店镇中心路井盖破损，夜里有人摔倒", "address": "中心路"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def solve(client):
    client.get("/portal/submit/")
    stored = client.session[captcha.SESSION_KEY]
    for n in range(-10, 20):
        if captcha._digest(stored["salt"], str(n)) == stored["digest"]:
            return str(n)
    raise AssertionError("no answer")


def test_the_form_offers_photos_the_towns_and_the_location_button():
    html = Client().get("/portal/submit/").content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="photos"' in html and "multiple" in html
    assert "槐店镇" in html and 'id="btn-locate"' in html and "places/locate.js" in html
    assert "<script>" not in html  # strict CSP: the button's code is a static file


def test_submit_with_photos_and_a_town(people):
    client = Client()
    response = client.post("/portal/submit/", SUBMIT | {
        "captcha": solve(client), "area": "槐店镇",
        "photos": [jpeg_with_gps("井盖.jpg"), png("现场.png"), webp("近景.webp")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get()
    assert ticket.area == "槐店镇"
    assert (float(ticket.latitude), float(ticket.longitude)) == (33.28, 115.12)  # the town's centre point
    photos = list(Photo.objects.filter(ticket=ticket))
    assert len(photos) == 3 and photos[0].uploaded_by is None
    with default_storage.open(photos[0].image.name) as fh, Image.open(fh) as stored:
        assert not stored.getexif().get_ifd(GPS_IFD)
    event = TicketEvent.objects.get(ticket=ticket, kind="photos_added")
    assert event.actor_label == "市民（网站）" and event.payload["count"] == 3
    # The operator sees them on the ticket page.
    staff = Client()
    staff.force_login(people["operator"])
    page = staff.get(f"/tickets/{ticket.pk}/").content.decode()
    assert page.count('class="photo-thumb"') == 3 and f"/photos/{photos[0].pk}/thumb/" in page
    assert "槐店镇" in page


def test_submit_with_my_location_names_the_town(people):
    client = Client()
    response = client.post("/portal/submit/", SUBMIT | {"captcha": solve(client),
                                                        "latitude": "33.52", "longitude": "115.09"})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.area == "老城镇" and str(ticket.latitude) == "33.520000" and str(ticket.longitude) == "115.090000"


@pytest.mark.parametrize("lat,lon,message", [
    ("95", "115.1", "纬度应在-90到90之间"),
    ("33.4", "-181", "经度应在-180到180之间"),
    ("39.9042", "116.4074", "不在本县范围内"),
    ("abc", "115.1", "不是有效的数字"),
    ("33.4", "", "经纬度须同时提供"),
])
def test_a_bad_position_is_refused_clearly_and_the_form_kept(lat, lon, message):
    client = Client()
    response = client.post("/portal/submit/", SUBMIT | {"captcha": solve(client), "latitude": lat,
                                                        "longitude": lon, "area": "城关镇"})
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert SUBMIT["content"] in html and 'value="13700001234"' in html
    assert '<option value="城关镇" selected>' in html
    assert not Ticket.objects.exists()


def test_an_unknown_town_is_refused():
    client = Client()
    html = client.post("/portal/submit/", SUBMIT | {"captcha": solve(client), "area": "火星镇"}).content.decode()
    assert "请从列表中选择所属乡镇" in html and not Ticket.objects.exists()


def test_an_html_page_renamed_jpg_files_nothing_and_keeps_the_text():
    client = Client()
    response = client.post("/portal/submit/", SUBMIT | {
        "captcha": solve(client), "photos": [png(), SimpleUploadedFile("photo.jpg", HTML_PAGE)]})
    html = response.content.decode()
    assert response.status_code == 200 and "photo.jpg" in html and "不能上传" in html
    assert SUBMIT["content"] in html
    assert not Ticket.objects.exists() and not Photo.objects.exists()


def test_seven_photos_are_refused():
    client = Client()
    response = client.post("/portal/submit/", SUBMIT | {
        "captcha": solve(client), "photos": [png(f"{i}.png") for i in range(7)]})
    assert "最多上传6张照片" in response.content.decode() and not Ticket.objects.exists()


def test_a_wrong_captcha_asks_for_the_photos_again():
    client = Client()
    solve(client)
    html = client.post("/portal/submit/", SUBMIT | {"captcha": "999", "photos": [png()]}).content.decode()
    assert "验证码不正确" in html and "请重新选择照片" in html and not Ticket.objects.exists()


def test_the_rate_limit_still_holds_with_photos(settings):
    settings.PORTAL_RATE_LIMITS = settings.PORTAL_RATE_LIMITS | {"portal_submit": (1, 600)}
    client = Client()
    assert client.post("/portal/submit/", SUBMIT | {"captcha": solve(client), "photos": [png()]}).status_code == 302
    html = client.post("/portal/submit/", SUBMIT | {"captcha": solve(client), "photos": [png()]}).content.decode()
    assert "提交过于频繁" in html and Ticket.objects.count() == 1


def test_the_citizens_progress_page_says_photos_arrived_but_never_shows_them():
    client = Client()
    client.post("/portal/submit/", SUBMIT | {"captcha": solve(client), "photos": [png()]})
    ticket = Ticket.objects.get()
    html = client.get(f"/portal/progress/{ticket.number}/").content.decode()
    assert "已收到现场照片" in html and "/photos/" not in html
