#!/usr/bin/env python
"""Ticket lifecycle benchmarks against a real server process on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/generate.py --tickets 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/lifecycle.py

(a) registration: POST /api/tickets/ by operators (token auth), concurrent clients;
(b) inbox: GET /api/inbox/ of one unit at a time, with filters (light, type, state) and
    the next page by cursor, with the generated tickets in the table.
Starts the production HTTP server (gunicorn.conf.py, --workers), warms it up, measures each
part for --duration seconds, stops it, prints throughput and p50/p95/p99 and writes JSON to
var/bench-lifecycle.json. Bounded: about 2 × (warm-up + duration) + start-up.

With REDIS_URL set it runs as production does (docker-compose.yml): HOTLINE_NOTIFY_ASYNC=1,
so each registration queues its SMS receipt and push in the outbox, and a Celery worker
(nice 10, one process: on this machine it shares the two cores with the server, the
database and the load) delivers them. After the run it waits for the backlog to drain
and prints how long that took.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from httpload import Request, run  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from demo.tickets import load_samples  # noqa: E402
from hotline.models import Role, User  # noqa: E402

TYPES = ["consultation", "help", "complaint", "complaint", "report", "suggestion", "praise"]
INBOX_FILTERS = ["", "?light=red", "?light=yellow", "?light=green", "?ticket_type=complaint",
                 "?state=in_progress", "?light=red&ticket_type=help", "?q=" + quote("小区")]


def server_command(kind: str, port: int, workers: int) -> list[str]:
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                "--port", str(port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
                "--no-access-log", "--log-level", "warning"]
    if kind == "gunicorn":  # production HTTP: gunicorn.conf.py (threaded WSGI workers, keep-alive)
        return [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "gunicorn.conf.py",
                "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    raise SystemExit(f"unknown server {kind}")


def start_server(kind: str, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {"LOG_LEVEL": "ERROR", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    # As docker-compose.yml: a persistent connection per gunicorn thread, a pool per uvicorn process.
    env |= ({"DB_CONN_MAX_AGE": "600", "DB_POOL_SIZE": "0"} if kind == "gunicorn"
            else {"DB_CONN_MAX_AGE": "0", "DB_POOL_SIZE": os.environ.get("DB_POOL_SIZE", "4")})
    process = subprocess.Popen(server_command(kind, port, workers), cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/me/", timeout=2)
        except urllib.error.HTTPError:
            return process  # 401: up and answering
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit("server did not start")


# How the worker shares the cores with the requests: --worker-priority nice (the default) runs
# it at nice 10; idle under SCHED_IDLE (only CPU nothing else wants); after starts it once the
# load has stopped (the request path alone, then the backlog's delivery on its own).
WORKER_PRIORITIES = {"nice": ["nice", "-n", "10"], "idle": ["chrt", "--idle", "0"], "after": []}
WORKER_PRIORITY = WORKER_PRIORITIES["nice"]


def start_worker() -> subprocess.Popen:
    env = os.environ | {"LOG_LEVEL": "ERROR", "HOTLINE_NOTIFY_ASYNC": "1", "DB_CONN_MAX_AGE": "600",
                        "DB_POOL_SIZE": "0"}
    return subprocess.Popen([*WORKER_PRIORITY, sys.executable, "-m", "celery", "-A", "config", "worker",
                             "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                            cwd=ROOT, env=env, start_new_session=True)


def schedule_a_drain() -> None:
    """As a registration would (its drain flag may still be up from the load)."""
    from django.core.cache import cache

    from hotline.outbox import DRAIN_PENDING_KEY, schedule_drain

    cache.delete(DRAIN_PENDING_KEY)
    schedule_drain()


def wait_for_outbox(limit_s: float = 600) -> dict:
    """Wait until the worker has delivered every queued notification."""
    from hotline import outbox

    start, backlog = time.monotonic(), outbox.pending()
    while (left := outbox.pending()) and time.monotonic() - start < limit_s:
        time.sleep(0.5)
    connection.close()
    result = {"backlog_at_end": backlog, "drain_s": round(time.monotonic() - start, 1), "left": left}
    print(f"notifications: {backlog:,} events still queued when the load stopped, delivered in "
          f"{result['drain_s']} s ({left} left)", flush=True)
    return result


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def tokens() -> tuple[str, list[str]]:
    operators = list(User.objects.filter(role=Role.OPERATOR, is_active=True).order_by("pk")[:1])
    units = list(User.objects.filter(role=Role.UNIT_STAFF, username__startswith="bench_unit_").order_by("pk"))
    if not operators or not units:
        raise SystemExit("no benchmark users: run bench/generate.py first")
    key = lambda user: Token.objects.get_or_create(user=user)[0].key  # noqa: E731
    return key(operators[0]), [key(u) for u in units]


def register_requests(token: str, seed: int):
    rng = random.Random(seed)
    samples = [(s["title"][:200], s["detail"][:1500] or s["title"]) for s in load_samples()]
    phones = [f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" for _ in range(5000)]
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}

    def make(n: int) -> Request:
        title, content = samples[n % len(samples)]
        body = {"ticket_type": TYPES[n % len(TYPES)], "channel": "phone", "title": title, "content": content,
                "citizen_phone": phones[(n * 7919) % len(phones)], "citizen_name": "王先生"}
        return Request("POST", "/api/tickets/", headers, json.dumps(body, ensure_ascii=False).encode())

    return make


def inbox_requests(unit_tokens: list[str], next_pages: list[tuple[str, str]], list_path: str = "/api/inbox/"):
    def make(n: int) -> Request:
        if next_pages and n % 4 == 3:
            token, path = next_pages[n % len(next_pages)]
        else:
            token = unit_tokens[n % len(unit_tokens)]
            path = list_path + INBOX_FILTERS[(n // len(unit_tokens)) % len(INBOX_FILTERS)]
        return Request("GET", path, {"Authorization": f"Token {token}", "Accept": "application/json"})

    return make


def collect_next_pages(port: int, unit_tokens: list[str]) -> list[tuple[str, str]]:
    pages = []
    for token in unit_tokens:
        for query in ("", "?light=red"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/inbox/{query}",
                                             headers={"Authorization": f"Token {token}"})
            nxt = json.load(urllib.request.urlopen(request, timeout=10)).get("next")
            if nxt:
                parts = urlsplit(nxt)
                pages.append((token, f"{parts.path}?{parts.query}"))
    return pages


def _cpu_seconds_of(chosen) -> float:
    """User + system CPU of every process for which chosen(command name, stat fields) holds
    (from /proc; the fields are those after the command name: fields[2] is the process group)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text.rsplit(")", 1)[1].split()
        if chosen(name, fields):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(group: int) -> float:
    """CPU of every process in the server's process group."""
    return _cpu_seconds_of(lambda name, fields: int(fields[2]) == group)


def postgres_cpu_seconds() -> float:
    """CPU of the PostgreSQL server processes on this machine (0 when it runs elsewhere)."""
    return _cpu_seconds_of(lambda name, fields: name.startswith("postgres"))


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all cores, from /proc/stat): what is left of
    cores × seconds after the server, PostgreSQL and this load generator is everything else."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name, port, make, args, server, worker=None) -> dict:
    asyncio.run(run("127.0.0.1", port, make, concurrency=args.concurrency, duration=args.warmup))
    cpu_before, db_before, load_before = cpu_seconds(server.pid), postgres_cpu_seconds(), os.getloadavg()[0]
    own_before, busy_before = own_cpu_seconds(), machine_busy_seconds()
    worker_before = cpu_seconds(worker.pid) if worker else 0.0
    result = asyncio.run(run("127.0.0.1", port, make, concurrency=args.concurrency, duration=args.duration))
    cpu, db_cpu = cpu_seconds(server.pid) - cpu_before, postgres_cpu_seconds() - db_before
    own, busy = own_cpu_seconds() - own_before, machine_busy_seconds() - busy_before
    worker_cpu = cpu_seconds(worker.pid) - worker_before if worker else 0.0
    per = lambda seconds: round(seconds * 1000 / max(result.count, 1), 2)  # noqa: E731
    summary = result.summary() | {"name": name, "server_cpu_ms_per_request": per(cpu),
                                  "db_cpu_ms_per_request": per(db_cpu),
                                  "load_generator_cpu_ms_per_request": per(own),
                                  "worker_cpu_ms_per_request": per(worker_cpu),
                                  "other_cpu_ms_per_request": per(busy - cpu - db_cpu - own - worker_cpu),
                                  "machine_busy_share": round(busy / (result.seconds * os.cpu_count()), 3),
                                  "load_average_before": round(load_before, 2)}
    print(f"{name:<10} {summary['throughput_per_s']:>7.1f}/s  p50 {summary['p50_ms']:>6.1f} ms  "
          f"p95 {summary['p95_ms']:>6.1f} ms  p99 {summary['p99_ms']:>6.1f} ms  "
          f"server CPU {summary['server_cpu_ms_per_request']} ms/request, "
          f"PostgreSQL {summary['db_cpu_ms_per_request']} ms/request, "
          f"load generator {summary['load_generator_cpu_ms_per_request']} ms/request, "
          f"Celery worker {summary['worker_cpu_ms_per_request']} ms/request, "
          f"the rest {summary['other_cpu_ms_per_request']} ms/request; "
          f"machine {summary['machine_busy_share']:.0%} busy  "
          f"({summary['requests']} requests, statuses {summary['statuses']}, load before {load_before:.1f})",
          flush=True)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "uvicorn"])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8150")))
    parser.add_argument("--only", choices=["register", "inbox"])
    parser.add_argument("--worker-priority", choices=sorted(WORKER_PRIORITIES), default="nice")
    args = parser.parse_args()
    global WORKER_PRIORITY
    WORKER_PRIORITY = WORKER_PRIORITIES[args.worker_priority]
    if connection.vendor != "postgresql":
        raise SystemExit("needs PostgreSQL: set DATABASE_URL=postgres://…")
    operator_token, unit_tokens = tokens()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_ticket")
        tickets = cursor.fetchone()[0]
    connection.close()
    print(f"{tickets:,} tickets; server {args.server} × {args.workers} workers; "
          f"{args.concurrency} concurrent clients; {args.duration:.0f} s each", flush=True)
    worker, deferred_worker = None, False
    if os.environ.get("REDIS_URL"):
        os.environ["HOTLINE_NOTIFY_ASYNC"] = "1"
        deferred_worker = args.worker_priority == "after"
        worker = None if deferred_worker else start_worker()
    results = {"tickets_before": tickets, "server": args.server, "workers": args.workers,
               "concurrency": args.concurrency, "duration": args.duration, "cpus": os.cpu_count()}
    server = None
    try:
        server = start_server(args.server, args.port, args.workers)
        if args.only in (None, "inbox"):
            pages = collect_next_pages(args.port, unit_tokens)
            results["inbox"] = measure("inbox", args.port, inbox_requests(unit_tokens, pages), args, server, worker)
        if args.only in (None, "register"):
            results["register"] = measure("register", args.port, register_requests(operator_token, 1), args, server,
                                          worker)
            if deferred_worker:
                worker = start_worker()
                schedule_a_drain()
            if worker:
                results["register"]["notifications"] = wait_for_outbox()
    finally:
        if server:
            stop_server(server)
        if worker:  # also when the server did not start: no worker is left behind
            stop_server(worker)
    out = ROOT / "var" / "bench-lifecycle.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
