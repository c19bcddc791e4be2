"""The demo county's map, made for the demo: its towns (demo.county.UNITS of kind TOWN) as
polygons around a real-ish centre (沈丘县 槐店, Henan: 115.10 E, 33.40 N), a Voronoi tiling of an
irregular county outline from one seed point per town. Written once to the places app's static
GeoJSON by `manage.py county_geojson`; the product reads that file, not this module."""
import json
import math
from pathlib import Path

from hotline.models import Unit

from .county import UNITS

CENTRE = (115.10, 33.40)  # (longitude, latitude)
# Each town's seed point: its offset from the centre in degrees (east, north). The seed is also
# the town's centre point (a ticket that names only its area is placed there).
SEEDS = {
    "城关镇": (0.00, 0.00),
    "东城街道": (0.120, 0.020),
    "西城街道": (-0.120, -0.015),
    "槐店镇": (0.020, -0.120),
    "老城镇": (-0.015, 0.125),
}
OUTLINE_RADII = (0.20, 0.17, 0.22, 0.18, 0.21, 0.16, 0.19, 0.23, 0.18, 0.20, 0.17, 0.21)  # a ragged border


def county_outline() -> list[tuple[float, float]]:
    lon0, lat0 = CENTRE
    points = []
    for i, radius in enumerate(OUTLINE_RADII):
        angle = 2 * math.pi * i / len(OUTLINE_RADII)
        # A degree of longitude is shorter than one of latitude at 33°N: widen east-west.
        points.append((lon0 + radius * math.cos(angle) / math.cos(math.radians(lat0)), lat0 + radius * math.sin(angle)))
    return points


def _clip(polygon, a: tuple, b: tuple):
    """The part of `polygon` nearer to seed a than to seed b (Sutherland–Hodgman, one half-plane)."""
    (ax, ay), (bx, by) = a, b
    nx, ny = bx - ax, by - ay
    mid = nx * (ax + bx) / 2 + ny * (ay + by) / 2

    def inside(p):
        return nx * p[0] + ny * p[1] <= mid

    def crossing(p, q):
        dp, dq = nx * p[0] + ny * p[1] - mid, nx * q[0] + ny * q[1] - mid
        t = dp / (dp - dq)
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

    out = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(crossing(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(crossing(previous, current))
    return out


def town_names() -> list[str]:
    return [name for _code, name, kind, *_ in UNITS if kind == Unit.Kind.TOWN]


def county_geojson() -> dict:
    lon0, lat0 = CENTRE
    seeds = {name: (lon0 + SEEDS[name][0], lat0 + SEEDS[name][1]) for name in town_names()}
    features = []
    for name, seed in seeds.items():
        cell = county_outline()
        for other, other_seed in seeds.items():
            if other != name:
                cell = _clip(cell, seed, other_seed)
        ring = [[round(x, 5), round(y, 5)] for x, y in cell]
        ring.append(ring[0])
        features.append({
            "type": "Feature",
            "properties": {"name": name, "center": [round(seed[0], 5), round(seed[1], 5)]},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        })
    return {"type": "FeatureCollection", "name": "某县（演示）", "features": features}


def write(path: Path) -> None:
    path.write_text(json.dumps(county_geojson(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
