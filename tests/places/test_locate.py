"""A ticket's place: a position names its town, a town alone is placed at its centre, bad input is refused."""
from decimal import Decimal

import pytest

from hotline.errors import InvalidInput
from places.services import place_resolve, ticket_locate
from places.validation import validate_location
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_position_names_its_town():
    place = place_resolve(latitude="33.28", longitude="115.12")
    assert place == place_resolve(latitude=33.28, longitude=115.12)
    assert place.area == "槐店镇" and place.latitude == Decimal("33.280000")


def test_a_chosen_town_wins_over_the_polygon():
    assert place_resolve(latitude="33.28", longitude="115.12", area="城关镇").area == "城关镇"


def test_a_town_alone_is_placed_at_its_centre():
    place = place_resolve(area="老城镇")
    assert (place.latitude, place.longitude) == (Decimal("33.525000"), Decimal("115.085000"))


@pytest.mark.parametrize("lat,lon,message,field", [
    ("-90.5", "115", "纬度应在-90到90之间", "latitude"),
    ("33", "180.01", "经度应在-180到180之间", "longitude"),
    ("NaN", "115", "不是有效的数字", "latitude"),
    ("", "115", "经纬度须同时提供", "latitude"),
    ("31.23", "121.47", "不在本县范围内", "latitude"),  # Shanghai
])
def test_bad_positions_are_refused_clearly(lat, lon, message, field):
    with pytest.raises(InvalidInput, match=message) as refused:
        validate_location(lat, lon)
    assert refused.value.field == field


def test_outside_the_county_may_be_allowed_by_a_caller_that_says_so():
    assert validate_location("31.23", "121.47", within_county=False) == (Decimal("31.230000"), Decimal("121.470000"))


def test_ticket_locate_bumps_the_version(people):
    ticket = f.registered(people)
    located = ticket_locate(ticket=ticket, latitude="33.4", longitude="115.1")
    assert located.area == "城关镇" and located.version == ticket.version + 1
    assert ticket_locate(ticket=located) is located  # nothing given: nothing written


def test_the_demos_portal_tickets_get_a_position_in_their_town(people):
    from demo.tickets import Writer
    from places.geo import county

    ticket = f.registered(people, area="西城街道")
    located = Writer.locate(ticket)
    assert located.area == "西城街道"
    assert county().town_at(float(located.latitude), float(located.longitude)).name == "西城街道"
    assert Writer.locate(f.registered(people)).latitude is None  # no town, no position
