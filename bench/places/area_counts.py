#!/usr/bin/env python
"""The area map's one query at scale: counts and lights per town for a period.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/places/area_counts.py

Needs tickets (bench/generate.py --tickets 300000). It first gives the tickets the demo county's
towns as areas (generate.py writes A1区…A9区; one ticket in twelve is left without), then runs
places.selectors.area_counts for the last 31 days, the last 90 and the last year, prints the
median of 7 runs of each and the PostgreSQL plan of the month (EXPLAIN ANALYZE, BUFFERS)."""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.models import Ticket  # noqa: E402
from places.geo import town_names  # noqa: E402
from places.selectors import Period, area_counts, tickets_for_areas  # noqa: E402


def give_towns() -> None:
    towns = town_names()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE hotline_ticket SET area = CASE WHEN id %% 12 = 0 THEN '' "
            "ELSE (%s::text[])[1 + (id %% %s)] END WHERE area NOT IN (SELECT unnest(%s::text[])) OR area = ''",
            [towns, len(towns), towns])
        cursor.execute("ANALYZE hotline_ticket")


def main() -> None:
    print(f"tickets: {Ticket.objects.count():,}")
    give_towns()
    today = timezone.localdate()

    class Staff:  # a city-wide reader: whole_county=True does not look at the user
        is_authenticated = True

    for days in (31, 90, 365):
        period = Period(today - dt.timedelta(days=days - 1), today)
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            result = area_counts(user=Staff, whole_county=True, period=period)
            timings.append((time.perf_counter() - started) * 1000)
        total = sum(a["total"] for a in result["areas"]) + result["unplaced"]["total"]
        print(f"{days:>3} days: {total:>7,} tickets, median {statistics.median(timings):.1f} ms "
              f"(min {min(timings):.1f}, max {max(timings):.1f})")
    period = Period(today - dt.timedelta(days=30), today)
    start, end = period.bounds()
    from django.db.models import Count, Q

    from dispatch.deadlines import light_q
    from hotline.models import Light
    from hotline.models.tickets import HANDLING_STATES

    now = timezone.now()
    qs = (tickets_for_areas(user=Staff, whole_county=True).filter(created_at__gte=start, created_at__lt=end)
          .order_by().values("area")
          .annotate(total=Count("id"), open=Count("id", filter=Q(state__in=sorted(HANDLING_STATES))),
                    red=Count("id", filter=light_q(Light.RED, now)),
                    yellow=Count("id", filter=light_q(Light.YELLOW, now))))
    print("\nEXPLAIN (ANALYZE, BUFFERS), the last 31 days:")
    print(qs.explain(analyze=True, buffers=True))


if __name__ == "__main__":
    main()
