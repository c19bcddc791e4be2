#!/usr/bin/env python
"""Reports and display benchmarks on the tickets bench/generate.py put in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        python bench/reports/run.py [--port 8500] [--pollers 200] [--seconds 20] [--skip-refresh]

Measures, each bounded in count and time:
1. the rollup: a full rebuild and an incremental refresh; the keyword backfill;
2. the KPI dashboard page (/reports/) and the monthly unit ranking page, through the
   real views and templates, over different months and filters: p50/p95;
3. duplicate lookup while typing: growing prefixes of real open tickets' titles with a
   phone and an address, as the operator form sends them: p50/p95;
4. the display JSON feed under N concurrent pollers (each polls once a second, with a
   display token) against a daphne server started here on --port: p50/p95/p99, and the
   snapshot build time.
"""
import argparse
import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.models import Role, Ticket, User  # noqa: E402


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def summary(name, ms):
    line = (f"{name}: n={len(ms)} p50={pct(ms, 50):.1f} ms p95={pct(ms, 95):.1f} ms "
            f"p99={pct(ms, 99):.1f} ms max={max(ms):.1f} ms")
    print(line, flush=True)
    return {"p50": pct(ms, 50), "p95": pct(ms, 95), "p99": pct(ms, 99)}


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t0) * 1000, result


def user(username, role, **extra):
    u, _ = User.objects.get_or_create(username=username, defaults={"role": role, **extra})
    return u


def bench_refresh(skip: bool, keyword_days: int):
    from reports import rollup
    from reports.intelligence import hot_topics
    from reports.models import DailyStat

    if not skip or rollup.last_refresh() is None:
        ms, state = timed(lambda: rollup.refresh(full=True))
        print(f"rollup full rebuild: {ms / 1000:.1f} s, {state.days_refreshed} days, "
              f"{DailyStat.objects.count():,} rollup rows", flush=True)
        ms, _ = timed(lambda: hot_topics.refresh_recent(days=keyword_days))
        print(f"keyword backfill, {keyword_days} days: {ms / 1000:.1f} s", flush=True)
    ms, state = timed(lambda: rollup.refresh())
    print(f"rollup incremental refresh: {ms:.0f} ms ({state.days_refreshed} days)", flush=True)
    ms, _ = timed(lambda: hot_topics.refresh_recent(days=1))
    print(f"keyword refresh of today: {ms:.0f} ms", flush=True)


def months_back(n):
    today = timezone.localdate()
    out = []
    first = today.replace(day=1)
    for _ in range(n):
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        out.append((first, min(last, today)))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return out


def bench_pages(rounds: int):
    from hotline.models import Unit
    from reports import display

    display.rebuild()  # as the periodic task keeps it (the dashboard's red/yellow counts come from it)

    client = Client()
    client.force_login(user("bench_supervisor", Role.SUPERVISOR))
    months = months_back(12)
    units = list(Unit.objects.filter(parent__isnull=False).values_list("pk", flat=True)[:10])
    dashboard, ranking = [], []
    for i in range(rounds):
        start, end = months[i % len(months)]
        query = f"start={start}&end={end}&by=day"
        if i % 3 == 1:
            query += f"&unit={random.choice(units)}"
        if i % 3 == 2:
            query += "&channel=phone"
        ms, r = timed(lambda q=query: client.get(f"/reports/?{q}"))
        assert r.status_code == 200, r.status_code
        dashboard.append(ms)
        ms, r = timed(lambda s=start, e=end: client.get(f"/reports/ranking/?start={s}&end={e}"))
        assert r.status_code == 200
        ranking.append(ms)
    year_start, _ = months[-1]
    ms_year, _ = timed(lambda: client.get(f"/reports/?start={year_start}&end={timezone.localdate()}&by=month"))
    print(f"dashboard over 12 months (by month): {ms_year:.0f} ms")
    return summary("KPI dashboard page /reports/ (one month)", dashboard), \
        summary("monthly unit ranking page /reports/ranking/", ranking)


def bench_duplicates(rounds: int):
    from reports.intelligence import duplicates

    rows = list(Ticket.objects.filter(state__in=["dispatched", "in_progress", "registered"])
                .exclude(address="").order_by("-id").values_list("title", "address", "citizen__phone")[:rounds])
    typed = []
    for title, address, phone in rows:
        for n in (4, 8, 12, len(title)):
            text = title[:n]
            ms, _ = timed(lambda t=text, a=address, p=phone: duplicates.find(text=t, phone=p or "", address=a))
            typed.append(ms)
    return summary("duplicate lookup while typing", typed)


async def poller(host, port, token, until, latencies, errors, start_delay):
    await asyncio.sleep(start_delay)
    reader, writer = await asyncio.open_connection(host, port)
    request = (f"GET /api/display/summary.json HTTP/1.1\r\nHost: {host}\r\n"
               f"Authorization: Token {token}\r\nConnection: keep-alive\r\n\r\n").encode()
    next_at = time.monotonic()
    while time.monotonic() < until:
        t0 = time.perf_counter()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        latencies.append((time.perf_counter() - t0) * 1000)
        if not head.startswith(b"HTTP/1.1 200"):
            errors.append(head[:40])
        next_at += 1.0
        await asyncio.sleep(max(0, next_at - time.monotonic()))
    writer.close()


def bench_feed(port: int, pollers: int, seconds: int):
    from rest_framework.authtoken.models import Token

    from reports import display

    device = user("bench_display", Role.DISPLAY)
    token, _ = Token.objects.get_or_create(user=device)
    ms, _ = timed(display.rebuild)
    print(f"display snapshot build: {ms:.0f} ms (tickets: {Ticket.objects.count():,})", flush=True)
    env = dict(os.environ)
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/api/display/summary.json",
                                             headers={"Authorization": f"Token {token.key}"})
                urllib.request.urlopen(req, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        latencies, errors = [], []

        async def run():
            until = time.monotonic() + seconds
            await asyncio.gather(*(poller("127.0.0.1", port, token.key, until, latencies, errors,
                                          random.random()) for _ in range(pollers)))

        asyncio.run(run())
        warm = latencies[pollers:]  # the first request of each connection pays for its setup
        print(f"feed: {len(latencies) / seconds:.0f} requests/s, errors={len(errors)}")
        return summary(f"display JSON feed, {pollers} pollers × 1/s for {seconds} s", warm)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--skip-refresh", action="store_true", help="reuse the rollup if there is one")
    parser.add_argument("--keyword-days", type=int, default=35, help="hot-topic terms to backfill (days)")
    parser.add_argument("--only", choices=["refresh", "pages", "duplicates", "feed"], action="append")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL")
    only = set(args.only or ["refresh", "pages", "duplicates", "feed"])
    print(f"tickets: {Ticket.objects.count():,}", flush=True)
    if "refresh" in only:
        bench_refresh(args.skip_refresh, args.keyword_days)
    if "pages" in only:
        bench_pages(args.rounds)
    if "duplicates" in only:
        bench_duplicates(args.rounds)
    if "feed" in only:
        bench_feed(args.port, args.pollers, args.seconds)


if __name__ == "__main__":
    main()
