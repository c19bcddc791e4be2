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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic needed here
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

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
    rows += issue16_pages(supervisor)
    return rows


def issue16_pages(supervisor: User) -> list[tuple[str, User | None, str]]:
    """The pages of issue 16's new lists, once bench/issue16_lists.py has filled them: a ticket
    awaiting the centre's review and one suspended (as the supervisor sees them), a sub-unit's
    inbox and a ticket it was handed (as its staff see them), a co-unit's inbox with its parts'
    own deadlines."""
    from dispatch.models import Assignment

    rows = []
    if reviewing := sample_ticket(state=TicketState.REVIEWING):
        rows.append(("ticket awaiting review", supervisor, f"/tickets/{reviewing.pk}/"))
    if suspended := sample_ticket(state=TicketState.SUSPENDED):
        rows.append(("ticket suspended", supervisor, f"/tickets/{suspended.pk}/"))
    sub = Assignment.objects.filter(role="sub", is_current=True).select_related("unit").order_by("-id").first()
    if sub is not None and (sub_staff := User.objects.filter(role=Role.UNIT_STAFF, unit=sub.unit).first()):
        rows.append(("sub-unit inbox", sub_staff, "/unit/"))
        rows.append(("sub-unit ticket", sub_staff, f"/unit/tickets/{sub.ticket_id}/"))
        parent = User.objects.filter(role=Role.UNIT_STAFF, unit_id=sub.unit.parent_id).first()
        if parent is not None:
            rows.append(("unit ticket handed down", parent, f"/unit/tickets/{sub.ticket_id}/"))
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class SqlClock:
    """Counts queries and the wall time spent waiting for PostgreSQL."""

    def __init__(self):
        self.count, self.ms = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.ms += (time.perf_counter() - start) * 1000


def time_page(client: Client, url: str, runs: int) -> dict:
    """Wall time per request, and its two parts: this process's CPU (Django, templates) and
    the wait for PostgreSQL. On a machine shared with other jobs the wall time also holds the
    time this process waited for a core; CPU + SQL is what the request itself cost."""
    response = client.get(url)  # warm-up: caches, first-use imports, PostgreSQL buffers
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    wall, cost = [], []
    for _ in range(runs):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            start, cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - start) * 1000)
            cost.append((time.process_time() - cpu) * 1000 + clock.ms)
    return {"wall": wall, "cost": cost, "queries": clock.count}


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
    print(f"{'page':26} {'wall p50':>9} {'wall p95':>9} {'cpu+sql p50':>12} {'cpu+sql p95':>12} {'queries':>8}")
    worst_wall = worst_cost = 0.0
    for label, user, url in pages():
        client = Client()
        if user is not None:
            client.force_login(user)
        r = time_page(client, url, args.runs)
        wall95, cost95 = percentile(r["wall"], 0.95), percentile(r["cost"], 0.95)
        worst_wall, worst_cost = max(worst_wall, wall95), max(worst_cost, cost95)
        print(f"{label:26} {statistics.median(r['wall']):9.1f} {wall95:9.1f} {statistics.median(r['cost']):12.1f} "
              f"{cost95:12.1f} {r['queries']:8d}")
    print(f"\nworst p95: wall {worst_wall:.1f} ms, cpu+sql {worst_cost:.1f} ms (target < 100 ms); "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

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
