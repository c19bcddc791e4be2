"""A ticket's position checked: numbers, on the globe, and in the county (or a clear refusal)."""
from decimal import Decimal, InvalidOperation

from hotline.errors import InvalidInput

from .geo import county

SIX_PLACES = Decimal("0.000001")


def _number(value, *, field: str, label: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{label}「{value}」不是有效的数字", field=field) from None
    if not -limit <= number <= limit:
        raise InvalidInput(f"{label}应在-{limit}到{limit}之间，收到{value}", field=field)
    return number.quantize(SIX_PLACES)


def validate_location(latitude, longitude, *, within_county: bool = True) -> tuple[Decimal, Decimal] | None:
    """(latitude, longitude) as stored (6 decimal places), or None when neither is given.
    Refused with a Chinese message: only one of them, not numbers, off the globe, or (unless
    `within_county` is False) outside the county's bounding box — a position in another city
    is a mistake (a phone's stale fix, swapped fields), and the map could not show it."""
    empty = [v in (None, "") for v in (latitude, longitude)]
    if all(empty):
        return None
    if any(empty):
        raise InvalidInput("经纬度须同时提供", field="latitude" if empty[0] else "longitude")
    lat = _number(latitude, field="latitude", label="纬度", limit=90)
    lon = _number(longitude, field="longitude", label="经度", limit=180)
    if within_county and not county().contains(float(lat), float(lon)):
        raise InvalidInput(f"位置（{lat}, {lon}）不在本县范围内（{county().bbox_text}），"
                           "请重新定位或改为选择所属乡镇", field="latitude")
    return lat, lon


def validate_area(area: str) -> str:
    area = (area or "").strip()
    if area and area not in county().towns:
        raise InvalidInput(f"所属乡镇「{area[:20]}」不在本县乡镇列表中，请从列表中选择", field="area")
    return area
