"""The portal's 办理公开 never shows a ticket's photos unless the centre publishes one with the case."""
import pytest
from django.test import Client

from cases.services import case_publish, case_withdraw
from dispatch import services as ds
from hotline.errors import InvalidInput
from hotline.models import TicketEvent
from photos.models import Photo
from photos.services import photos_add
from tests import factories as f

from .images import jpeg_with_gps, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(people):
    ticket = f.replied(people)
    ds.survey_record(ticket=ticket, actor=people["operator"], result="satisfied")
    return f.fresh(ticket)


@pytest.fixture
def photos(closed):
    return photos_add(ticket=closed, files=[jpeg_with_gps("a.jpg"), png("b.png"), png("c.png")], actor=None)


def publish(ticket, people, **extra):
    return case_publish(ticket=ticket, actor=people["supervisor"], title="井盖已更换", summary="路口井盖破损",
                        answer="已更换井盖", **extra)


def test_a_published_case_shows_no_photo_unless_one_was_chosen(people, closed, photos):
    publish(closed, people)
    html = Client().get("/portal/cases/").content.decode()
    assert "井盖已更换" in html and "/photos/" not in html
    for photo in photos:
        assert Client().get(f"/portal/photos/{photo.pk}/thumb/").status_code == 404


def test_only_the_chosen_photos_are_public(people, closed, photos):
    chosen = photos[1]
    publish(closed, people, public_photo_ids=[chosen.pk])
    html = Client().get("/portal/cases/").content.decode()
    assert f"/portal/photos/{chosen.pk}/thumb/" in html
    assert f"/portal/photos/{photos[0].pk}/" not in html and f"/portal/photos/{photos[2].pk}/" not in html
    page = Client().get(f"/portal/photos/{chosen.pk}/").content.decode()
    assert f'src="/portal/photos/{chosen.pk}/full/"' in page
    public = Client().get(f"/portal/photos/{chosen.pk}/full/")
    assert public.status_code == 200 and public["Content-Type"] == "image/png"
    assert Client().get(f"/portal/photos/{photos[0].pk}/full/").status_code == 404
    event = TicketEvent.objects.filter(ticket=closed, kind="case_published").get()
    assert event.payload["public_photos"] == 1


def test_withdrawing_the_case_hides_its_photos_and_republishing_keeps_the_choice(people, closed, photos):
    publish(closed, people, public_photo_ids=[photos[0].pk])
    case_withdraw(ticket=closed, actor=people["supervisor"])
    assert Client().get(f"/portal/photos/{photos[0].pk}/thumb/").status_code == 404
    publish(closed, people)  # no choice given: the earlier one stands
    assert Client().get(f"/portal/photos/{photos[0].pk}/thumb/").status_code == 200
    publish(closed, people, public_photo_ids=[])
    assert not Photo.objects.filter(public=True).exists()


def test_a_photo_of_another_ticket_cannot_be_published_with_this_case(people, closed, photos):
    other = f.registered(people)
    [foreign] = photos_add(ticket=other, files=[png()], actor=None)
    with pytest.raises(InvalidInput, match="不属于该工单"):
        publish(closed, people, public_photo_ids=[foreign.pk])
    assert not Photo.objects.filter(public=True).exists()


def test_the_review_page_offers_a_public_choice_per_photo(people, closed, photos):
    client = Client()
    client.force_login(people["supervisor"])
    page = client.get(f"/tickets/{closed.pk}/case/").content.decode()
    assert page.count('name="public_photo_ids"') == 3 and "默认不公开" in page
    response = client.post(f"/tickets/{closed.pk}/case/", {
        "title": "井盖已更换", "summary": "路口井盖破损", "answer": "已更换", "public_photo_ids": [photos[2].pk]})
    assert response.status_code == 302
    assert list(Photo.objects.filter(public=True).values_list("pk", flat=True)) == [photos[2].pk]
    page = client.get(f"/tickets/{closed.pk}/case/").content.decode()
    assert f'value="{photos[2].pk}" id="public-photo-{photos[2].pk}" checked' in page
    assert f'value="{photos[0].pk}" id="public-photo-{photos[0].pk}">' in page
