"""Tickets by area for the map: counts and red lights per town for a period, and one town's list.

Set-based: one GROUP BY area over the period's tickets (the created_at index finds the range;
bench/places/RESULTS.md has the plan at scale). Who counts: the whole county for city-wide
report readers, a unit its own tickets (reports.access.report_scope, as every report page)."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dispatch.deadlines import light_q
from dispatch.visibility import tickets_visible_to
from hotline.models import Light, Ticket
from hotline.models.tickets import HANDLING_STATES

from .geo import county

UNPLACED = "未标注区域"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, the day after end 00:00) in Asia/Shanghai."""
        zone = timezone.get_current_timezone()
        return (dt.datetime.combine(self.start, dt.time.min, zone),
                dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, zone))


def tickets_for_areas(*, user, whole_county: bool) -> QuerySet[Ticket]:
    return Ticket.objects.all() if whole_county else tickets_visible_to(user)


def area_counts(*, user, whole_county: bool, period: Period, now: dt.datetime | None = None) -> dict:
    """{"areas": [{name, total, open, red, yellow}] in the map's order (every town, zeros
    included), "unplaced": {…} for tickets with no or an unknown area, "max": the largest total}."""
    now = now or timezone.now()
    start, end = period.bounds()
    rows = (tickets_for_areas(user=user, whole_county=whole_county)
            .filter(created_at__gte=start, created_at__lt=end)
            .order_by().values("area")
            .annotate(total=Count("id"),
                      open=Count("id", filter=Q(state__in=sorted(HANDLING_STATES))),
                      red=Count("id", filter=light_q(Light.RED, now)),
                      yellow=Count("id", filter=light_q(Light.YELLOW, now))))
    empty = {"total": 0, "open": 0, "red": 0, "yellow": 0}
    by_area = {name: {"name": name, **empty} for name in county().towns}
    unplaced = {"name": UNPLACED, **empty}
    for row in rows:
        target = by_area.get(row["area"], unplaced)
        for key in empty:
            target[key] += row[key]
    areas = list(by_area.values())
    return {"areas": areas, "unplaced": unplaced, "max": max([a["total"] for a in areas] + [0]),
            "start": period.start.isoformat(), "end": period.end.isoformat()}


def area_tickets(*, user, whole_county: bool, period: Period, area: str, light: str = "") -> QuerySet[Ticket]:
    """One town's tickets of the period (the map's drill-down), newest first. `area` UNPLACED is
    the tickets with no town; `light` "red" narrows to the red ones."""
    start, end = period.bounds()
    qs = tickets_for_areas(user=user, whole_county=whole_county).filter(created_at__gte=start, created_at__lt=end)
    qs = qs.exclude(area__in=list(county().towns)) if area == UNPLACED else qs.filter(area=area)
    if light == Light.RED:
        qs = qs.filter(light_q(Light.RED, timezone.now()))
    return qs.order_by("-created_at", "-id")
