"""The county's towns as the map draws them: read from one GeoJSON (made for the demo by
`manage.py county_geojson`; a real deployment puts its own towns' boundaries there, setting
PLACES_COUNTY_GEOJSON). Each town's name is a ticket's `area`; its `center` property places a
ticket that names only its town; the polygons say which town a position is in and the county's
bounding box which positions we take."""
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

DEFAULT_GEOJSON = Path(__file__).resolve().parent / "static" / "places" / "county.geojson"
# A position a little outside the drawn border (a GPS fix on the county road) is still ours.
BBOX_MARGIN_DEGREES = 0.02


@dataclass(frozen=True)
class Town:
    name: str
    latitude: Decimal
    longitude: Decimal
    rings: tuple  # the polygon's rings as ((lon, lat), …)


@dataclass(frozen=True)
class County:
    name: str
    towns: dict[str, Town]
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return (self.min_lat - BBOX_MARGIN_DEGREES <= latitude <= self.max_lat + BBOX_MARGIN_DEGREES
                and self.min_lon - BBOX_MARGIN_DEGREES <= longitude <= self.max_lon + BBOX_MARGIN_DEGREES)

    def town_at(self, latitude: float, longitude: float) -> Town | None:
        for town in self.towns.values():
            if _in_polygon(longitude, latitude, town.rings):
                return town
        return None

    @property
    def bbox_text(self) -> str:
        return f"北纬{self.min_lat:.2f}°–{self.max_lat:.2f}°，东经{self.min_lon:.2f}°–{self.max_lon:.2f}°"


def geojson_path() -> Path:
    return Path(getattr(settings, "PLACES_COUNTY_GEOJSON", "") or DEFAULT_GEOJSON)


def _in_polygon(x: float, y: float, rings) -> bool:
    """Even-odd ray casting over every ring (holes count out)."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])  # MultiPolygon


@cache
def county() -> County:
    data = json.loads(geojson_path().read_text(encoding="utf-8"))
    towns, lons, lats = {}, [], []
    for feature in data["features"]:
        rings = tuple(tuple((float(x), float(y)) for x, y in ring) for polygon in _polygons(feature["geometry"])
                      for ring in polygon)
        for ring in rings:
            lons += [x for x, _ in ring]
            lats += [y for _, y in ring]
        props = feature["properties"]
        lon, lat = props["center"]
        towns[props["name"]] = Town(props["name"], Decimal(str(lat)).quantize(Decimal("0.000001")),
                                    Decimal(str(lon)).quantize(Decimal("0.000001")), rings)
    return County(data.get("name", ""), towns, min(lats), max(lats), min(lons), max(lons))


def town_names() -> list[str]:
    return list(county().towns)
