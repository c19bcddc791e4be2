#!/usr/bin/env python
"""Server time of each main page, and what a phone downloads for the leader's page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/web/pages.py [--runs 30]

Run it on a database filled by bench/generate.py (1,000,000 tickets for the figures in
bench/README.md). Each page is requested in-process through Django's full stack
(middleware, session, selectors, templates) as the person who uses it, a warm-up first,
then --runs timed requests; p50/p95/max are printed per page with the number of SQL
queries. The phone download is the leader's page HTML plus every script and style it
loads, each gzip-compressed as the server sends it (whitenoise serves .gz files).
Target: p95 < 100 ms per page; phone download < 200 KB compressed.
"""
import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hotline.models import Role, Ticket, TicketState, User  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def person(username: str, role: str, **extra) -> User:
    user = User.objects.filter(username=username).first() or User.objects.filter(role=role, **extra).first()
    if user is None:
        raise SystemExit(f"no {role} user: run bench/generate.py first")
    return user


def busiest_unit_staff() -> User:
    """The staff of the unit with the most tickets in hand: the worst inbox."""
    from django.db.models import Count

    top = (Ticket.objects.filter(state__in=["dispatched", "in_progress"]).values("lead_unit")
           .annotate(n=Count("id")).order_by("-n").first())
    if top is None:
        return person("bench_unit_0", Role.UNIT_STAFF)
    return User.objects.filter(role=Role.UNIT_STAFF, unit_id=top["lead_unit"]).first()


def sample_ticket(**filters) -> Ticket:
    return Ticket.objects.filter(**filters).order_by("-created_at").first()


def pages() -> list[tuple[str, User | None, str]]:
    operator = person("bench_operator", Role.OPERATOR)
    supervisor = person("bench_supervisor", Role.SUPERVISOR)
    leader = person("bench_leader", Role.LEADER)
    unit = busiest_unit_staff()
    pending = sample_ticket(state=TicketState.PENDING_APPROVAL, leader=leader)
    handling = sample_ticket(state=TicketState.IN_PROGRESS, lead_unit=unit.unit)
    closed = sample_ticket(state=TicketState.CLOSED, lead_unit__isnull=False)
    phone = closed.citizen.phone if closed.citizen else ""
    rows = [
        ("operator console", operator, "/console/"),
        ("caller history", operator, f"/console/caller/?citizen_phone={phone}"),
        ("category search", operator, "/console/categories/?q=%E5%99%AA%E9%9F%B3"),
        ("callback list", operator, "/console/callbacks/"),
        ("leader queue /m/", leader, "/m/"),
        ("leader instructed", leader, "/m/instructed/"),
        ("unit inbox (busiest)", unit, "/unit/"),
        ("unit inbox red", unit, "/unit/?light=red"),
        ("supervisor board", supervisor, "/board/"),
        ("ticket search", supervisor, "/tickets/"),
        ("search by number", supervisor, f"/tickets/?q={closed.number}"),
        ("search red list", supervisor, "/tickets/?queue=red"),
        ("ticket detail (staff)", supervisor, f"/tickets/{closed.pk}/"),
        ("portal home", None, "/portal/"),
        ("portal cases", None, "/portal/cases/"),
    ]
    if pending:
        rows.append(("leader ticket", leader, f"/m/tickets/{pending.pk}/"))
    if handling:
        rows.append(("unit ticket", unit, f"/unit/tickets/{handling.pk}/"))
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_page(client: Client, url: str, runs: int) -> tuple[list[float], int]:
    response = client.get(url)  # warm-up: caches, first-use imports, PostgreSQL buffers
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return times, len(queries)


def phone_download(client: Client, url: str) -> list[tuple[str, int, int]]:
    html = client.get(url).content
    rows = [("HTML " + url, len(html), len(gzip.compress(html, 6)))]
    for asset in re.findall(rb'(?:src|href)="/static/([^"]+)"', html):
        path = finders.find(asset.decode())
        if path is None:
            continue
        data = Path(path).read_bytes()
        rows.append((asset.decode(), len(data), len(gzip.compress(data, 9))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    reset_queries()
    total = Ticket.objects.count()
    print(f"tickets in the database: {total:,}; {args.runs} timed requests per page\n")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    worst = 0.0
    for label, user, url in pages():
        client = Client()
        if user is not None:
            client.force_login(user)
        times, queries = time_page(client, url, args.runs)
        p95 = percentile(times, 0.95)
        worst = max(worst, p95)
        print(f"{label:28} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f} {queries:8d}")
    print(f"\nworst p95: {worst:.1f} ms (target < 100 ms)")

    leader = person("bench_leader", Role.LEADER)
    client = Client()
    client.force_login(leader)
    print("\nphone download for the leader's page /m/ (gzip):")
    rows = phone_download(client, "/m/")
    pending = sample_ticket(state=TicketState.PENDING_APPROVAL, leader=leader)
    if pending:
        rows.append(phone_download(client, f"/m/tickets/{pending.pk}/")[0])
    for name, raw, packed in rows:
        print(f"  {name:44} {raw / 1024:7.1f} KB raw {packed / 1024:7.1f} KB gzip")
    total_packed = sum(p for _, _, p in rows)
    print(f"  {'total':44} {sum(r for _, r, _ in rows) / 1024:7.1f} KB raw {total_packed / 1024:7.1f} KB gzip "
          f"(target < 200 KB)")


if __name__ == "__main__":
    main()
