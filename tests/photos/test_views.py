"""Who may look at a ticket's photos: the ticket's units and the centre; nobody else learns they exist."""
import pytest
from django.test import Client

from audit.models import AuditAction, AuditEvent
from photos.services import photos_add
from tests import factories as f

from .images import jpeg_with_gps

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def photo(people):
    ticket = f.dispatched(people, co=False)  # lead unit A only
    return photos_add(ticket=ticket, files=[jpeg_with_gps()], actor=people["operator"])[0]


def test_the_lead_unit_sees_the_photo_and_the_full_size_is_audited(people, photo):
    page = client_for(people["staff_a"]).get(f"/photos/{photo.pk}/").content.decode()
    assert f'src="/photos/{photo.pk}/full/"' in page and photo.ticket.number in page
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOADED).exists()
    response = client_for(people["staff_a"]).get(f"/photos/{photo.pk}/full/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in response["Cache-Control"]
    audit = AuditEvent.objects.get(action=AuditAction.DOWNLOADED)
    assert audit.detail["photo"] == photo.pk and audit.actor == people["staff_a"]
    thumb = client_for(people["staff_a"]).get(f"/photos/{photo.pk}/thumb/")
    assert thumb.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOADED).count() == 1  # thumbnails are not downloads


def test_the_centre_sees_it(people, photo):
    for who in ("operator", "supervisor"):
        assert client_for(people[who]).get(f"/photos/{photo.pk}/thumb/").status_code == 200


def test_another_unit_gets_404_like_a_photo_that_does_not_exist(people, photo):
    for path in (f"/photos/{photo.pk}/", f"/photos/{photo.pk}/full/", f"/photos/{photo.pk}/thumb/",
                 "/photos/999999/"):
        response = client_for(people["staff_b"]).get(path)
        assert response.status_code == 404 and "照片不存在" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOADED).exists()


def test_anonymous_is_sent_to_the_login(photo):
    response = client_for().get(f"/photos/{photo.pk}/full/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_display_device_never_sees_photos(people, photo):
    assert client_for(people["display"]).get(f"/photos/{photo.pk}/thumb/").status_code == 404


def test_a_leader_sees_an_ordinary_tickets_photos_but_not_a_confidential_ones(people):
    ordinary = f.pending(people)
    secret = f.pending(people, ticket_type="report")
    [shown] = photos_add(ticket=ordinary, files=[jpeg_with_gps()], actor=None)
    [kept] = photos_add(ticket=secret, files=[jpeg_with_gps()], actor=None)
    leader = client_for(people["leader"])
    assert leader.get(f"/photos/{shown.pk}/thumb/").status_code == 200
    assert leader.get(f"/photos/{kept.pk}/thumb/").status_code == 404
    assert client_for(people["other_leader"]).get(f"/photos/{shown.pk}/thumb/").status_code == 404


def test_download_asks_the_browser_to_save(people, photo):
    response = client_for(people["operator"]).get(f"/photos/{photo.pk}/full/?download=1")
    assert response["Content-Disposition"].startswith("attachment")


def test_private_photos_are_not_on_the_portal(photo):
    for path in ("", "full/", "thumb/"):
        assert client_for().get(f"/portal/photos/{photo.pk}/{path}").status_code == 404


def test_the_units_ticket_page_shows_the_thumbnails_linking_to_the_full_photo(people, photo):
    page = client_for(people["staff_a"]).get(f"/unit/tickets/{photo.ticket_id}/").content.decode()
    assert f'href="/photos/{photo.pk}/"' in page and f'src="/photos/{photo.pk}/thumb/"' in page


def test_the_leaders_page_shows_an_ordinary_tickets_photos_and_not_a_confidential_ones(people):
    ordinary, secret = f.pending(people), f.pending(people, ticket_type="report")
    for ticket in (ordinary, secret):
        photos_add(ticket=ticket, files=[jpeg_with_gps()], actor=None)
    leader = client_for(people["leader"])
    assert 'id="ticket-photos"' in leader.get(f"/m/tickets/{ordinary.pk}/").content.decode()
    page = leader.get(f"/m/tickets/{secret.pk}/")
    assert page.status_code == 200 and 'id="ticket-photos"' not in page.content.decode()
