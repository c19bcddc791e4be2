"""Placing a ticket: its position and its town (Ticket.latitude/longitude/area)."""
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from hotline.models import Ticket
from hotline.workflow import lock_ticket, touch

from .geo import county
from .validation import validate_area, validate_location


@dataclass(frozen=True)
class Place:
    latitude: Decimal | None
    longitude: Decimal | None
    area: str


def place_resolve(*, latitude=None, longitude=None, area: str = "", within_county: bool = True) -> Place:
    """What a ticket's place is from what a form or a partner gave: a position names its town
    (the polygon it falls in) when no town was chosen; a town alone is placed at its centre point.
    InvalidInput (Chinese, field latitude/longitude/area) when a value is wrong."""
    area = validate_area(area)
    position = validate_location(latitude, longitude, within_county=within_county)
    if position is not None:
        lat, lon = position
        if not area:
            town = county().town_at(float(lat), float(lon))
            area = town.name if town else ""
        return Place(lat, lon, area)
    if area:
        town = county().towns[area]
        return Place(town.latitude, town.longitude, area)
    return Place(None, None, "")


@transaction.atomic
def ticket_locate(*, ticket: Ticket, latitude=None, longitude=None, area: str = "",
                  within_county: bool = True) -> Ticket:
    """Set where `ticket` is (see place_resolve); nothing changes when nothing was given."""
    place = place_resolve(latitude=latitude, longitude=longitude, area=area, within_county=within_county)
    if place.area == "" and place.latitude is None:
        return ticket
    locked = lock_ticket(ticket.pk)
    locked.latitude, locked.longitude = place.latitude, place.longitude
    fields = ["latitude", "longitude"]
    if place.area:
        locked.area = place.area
        fields.append("area")
    touch(locked, *fields)
    return locked
