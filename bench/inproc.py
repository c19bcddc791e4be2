#!/usr/bin/env python
"""What one request costs the server's Python, measured in this process.

    DATABASE_URL=postgres:///hotline_bench python bench/inproc.py inbox [--requests 400]
    DATABASE_URL=postgres:///hotline_bench python bench/inproc.py register --instructions

Drives the app with Django's test client (no HTTP server, no network) on the database that
bench/generate.py filled, with the requests bench/lifecycle.py makes: (a) `register`, an
operator's POST /api/tickets/; (b) `inbox`, GET /api/inbox/ of each generated unit in turn
with its filters (first pages only); (c) `unit-list`, the same requests on GET /api/tickets/
(every ticket the unit may see, side parts included); (d) `deliver`, the worker's side of a
registration: --requests registrations are queued in the outbox (not timed), then one drain
delivers them (their receipts, their sms_sent lines, push, the board) and is timed, per
registration. Prints CPU and wall time per request.

`--instructions` counts machine instructions instead, with valgrind's callgrind: the part
runs twice (after the same warm-up, SHORT and SHORT + LONG requests) and the difference is
divided by LONG, so start-up and warm-up cancel out. Timings on a shared two-core VM varied
2× from one run to the next; the instruction count does not depend on what else the host
runs, so it tells two versions of the code apart where lifecycle.py's throughput cannot
(it still depends on the data: a registration that creates its citizen costs more).
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHORT, LONG = 5, 20


def measure(part: str, requests: int, warmup: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("HOTLINE_NOTIFY_ASYNC", "1")  # as production: the request only queues its notices
    import django

    django.setup()
    from django.test import Client
    from lifecycle import inbox_requests, register_requests, tokens

    operator, units = tokens()
    # lifecycle.py's own requests; the inbox without its next pages (they need a running server).
    if part in ("register", "deliver"):
        make = register_requests(operator, seed=1)
    else:  # a unit's inbox, or its list of every ticket it may see (/api/tickets/), same filters
        make = inbox_requests(units, [], list_path="/api/inbox/" if part == "inbox" else "/api/tickets/")
    expected = 201 if part in ("register", "deliver") else 200
    client = Client()

    def request(n: int) -> None:
        r = make(n)
        headers = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in r.headers.items()
                   if name != "Content-Type"}
        response = client.generic(r.method, r.path, r.body, content_type=r.headers.get("Content-Type"), **headers)
        assert response.status_code == expected, response.content

    if part == "deliver":
        deliver(request, requests)
        return
    drain_flag = None
    if part == "register":
        # A registration schedules the outbox's drain (a Celery publish) only when no drain is
        # scheduled, a flag that expires with time: under valgrind, which run paid for a publish
        # depended on the clock (0.9 M against 15 M instructions per request). So the warm-up
        # publishes once and the measured requests find a drain scheduled, as under load.
        from django.core.cache import cache

        from hotline.outbox import DRAIN_PENDING_KEY as drain_flag

        cache.delete(drain_flag)
    for i in range(warmup):
        request(i)
    if drain_flag:
        cache.set(drain_flag, 1, timeout=None)
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(requests):
        request(warmup + i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if drain_flag:
        cache.delete(drain_flag)  # the next registration schedules a drain again
    print(f"{part}: {cpu / requests * 1000:.2f} ms CPU, {wall / requests * 1000:.2f} ms wall per request "
          f"({requests} requests in process)", flush=True)


def deliver(request, requests: int) -> None:
    from django.core.cache import cache

    from hotline import outbox

    outbox.drain()  # what earlier runs left
    cache.set(outbox.DRAIN_PENDING_KEY, 1, timeout=None)  # no worker is asked: this process drains
    for i in range(requests):
        request(i)
    cpu, wall = time.process_time(), time.perf_counter()
    events = outbox.drain()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    cache.delete(outbox.DRAIN_PENDING_KEY)
    print(f"deliver: {cpu / requests * 1000:.2f} ms CPU, {wall / requests * 1000:.2f} ms wall per registration "
          f"({events} events of {requests} registrations in one drain, in process)", flush=True)


def instructions(part: str, warmup: int) -> None:
    def count(requests: int) -> int:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, part,
             "--requests", str(requests), "--warmup", str(warmup)],
            capture_output=True, text=True, env=os.environ | {"PYTHONHASHSEED": "0"}, check=True)
        return int(re.search(r"Collected : (\d+)", run.stderr).group(1))

    short, long = count(SHORT), count(SHORT + LONG)
    print(f"{part}: {(long - short) / LONG / 1e6:.2f} M instructions per request "
          f"(callgrind, {SHORT} and {SHORT + LONG} requests after {warmup} warm-up)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["inbox", "unit-list", "register", "deliver"])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind")
    args = parser.parse_args()
    if args.instructions:
        instructions(args.part, args.warmup)
    else:
        measure(args.part, args.requests, args.warmup)


if __name__ == "__main__":
    main()
