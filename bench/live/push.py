#!/usr/bin/env python
"""Benchmark (b): one ticket event pushed to 1,000 websocket clients across two ASGI processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        python bench/live/push.py [--clients 1000] [--events 20] [--ports 8320,8321]

Starts two daphne processes on one Redis channel layer, opens --clients staff sockets split
evenly between them (half operators, half staff of the ticket's unit, each with a session of
their own), then --events times records an event on the ticket through the normal service
(a supervisor's 催办). It measures, for every socket and event, the time from just before the
service call to the socket receiving the event: the p99 target is < 1 s. The clients run in
this process, so its clock measures both ends.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import websockets  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from dispatch.services import ticket_dispatch, ticket_urge  # noqa: E402
from hotline.models import Category, Role, Unit, User  # noqa: E402
from hotline.services.tickets import ticket_register  # noqa: E402


def wait_for_port(port: int, proc, timeout=30.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server on {port} exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server on {port} did not start")


SERVERS = {
    "daphne": lambda port: [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                            "--websocket_connect_timeout", "30", "config.asgi:application"],
    "uvicorn": lambda port: [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
                             "--no-access-log", "--ws", "websockets", "config.asgi:application"],
}


def start_servers(ports: list[int], server: str) -> list[subprocess.Popen]:
    procs = []
    for port in ports:
        log = open(f"/tmp/bench-live-daphne-{port}.log", "wb")  # noqa: SIM115
        command = SERVERS[server](port)
        procs.append(subprocess.Popen(
            command,
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, LOG_LEVEL="WARNING"),
        ))
    for port, proc in zip(ports, procs, strict=True):
        wait_for_port(port, proc)
    return procs


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.LockoutModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def setup_people(clients: int):
    unit, _ = Unit.objects.get_or_create(code="bench-push", defaults={"name": "推送基准测试单位"})
    supervisor, _ = User.objects.get_or_create(username="bench_push_supervisor",
                                               defaults={"role": Role.SUPERVISOR})
    users = []
    for i in range(clients):
        role = Role.OPERATOR if i % 2 else Role.UNIT_STAFF
        user, _ = User.objects.get_or_create(
            username=f"bench_push_{i}", defaults={"role": role, "unit": unit if role == Role.UNIT_STAFF else None})
        users.append(user)
    ticket = ticket_register(actor=supervisor, channel="phone", ticket_type="complaint",
                             content="推送基准测试工单", citizen_phone="13800000000",
                             category=Category.objects.filter(level=3).order_by("pk").first())
    ticket = ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit)
    sessions = [session_for(u) for u in users]
    return supervisor, ticket, sessions


class Client:
    def __init__(self, port: int, session: str):
        self.port, self.session = port, session
        self.received: dict[int, float] = {}  # event id → arrival time
        self.retries = 0

    async def run(self, ready: asyncio.Event, counter: list[int], total: int, stop: asyncio.Event) -> None:
        """Connect (retrying with backoff like live.js: a loaded server may drop a handshake)."""
        for attempt in range(8):
            try:
                await self.connect_once(ready, counter, total, stop)
                return
            except (OSError, websockets.exceptions.InvalidHandshake, websockets.exceptions.InvalidMessage):
                self.retries += 1
                await asyncio.sleep(min(30, 2 ** attempt) * (0.5 + random.random() / 2))

    async def connect_once(self, ready, counter, total, stop) -> None:
        async with connect(f"ws://127.0.0.1:{self.port}/ws/staff/", origin=f"http://127.0.0.1:{self.port}",
                           additional_headers={"Cookie": f"sessionid={self.session}"}, open_timeout=60,
                           ping_interval=None) as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            counter[0] += 1
            if counter[0] == total:
                ready.set()
            receiver = asyncio.ensure_future(self.receive(ws))
            await stop.wait()
            receiver.cancel()

    async def receive(self, ws) -> None:
        async for raw in ws:
            now = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") == "ticket-event":
                self.received.setdefault(message["event"]["id"], now)


def emit(supervisor, ticket) -> tuple[float, int]:
    close_old_connections()
    start = time.perf_counter()
    event = ticket_urge(ticket=ticket, actor=supervisor, note="推送基准测试")
    return start, event.pk


async def bench(args, supervisor, ticket, sessions) -> None:
    ports = [int(p) for p in args.ports.split(",")]
    procs = start_servers(ports, args.server)
    try:
        clients = [Client(ports[i % len(ports)], s) for i, s in enumerate(sessions)]
        ready, stop, counter = asyncio.Event(), asyncio.Event(), [0]
        t0 = time.perf_counter()
        tasks = []
        for i, c in enumerate(clients):
            tasks.append(asyncio.ensure_future(c.run(ready, counter, len(clients), stop)))
            if i % 50 == 49:
                await asyncio.sleep(args.ramp)  # clients arrive in waves, as after a restart
        await asyncio.wait_for(ready.wait(), 300)
        print(f"{len(clients)} sockets connected to {len(ports)} servers in {time.perf_counter() - t0:.1f}s "
              f"({sum(c.retries for c in clients)} handshakes retried)")
        loop = asyncio.get_running_loop()
        sent = []
        for _ in range(args.events):
            sent.append(await loop.run_in_executor(None, emit, supervisor, ticket))
            await asyncio.sleep(args.gap)
        deadline = time.perf_counter() + args.wait
        expected = {event_id for _, event_id in sent}
        while time.perf_counter() < deadline and any(expected - c.received.keys() for c in clients):
            await asyncio.sleep(0.2)
        latencies, missing = [], 0
        for start, event_id in sent:
            for c in clients:
                arrived = c.received.get(event_id)
                if arrived is None:
                    missing += 1
                else:
                    latencies.append(arrived - start)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"deliveries: {len(latencies):,} of {len(sent) * len(clients):,} "
          f"(not delivered within {args.wait:.0f}s: {missing})")
    print(f"SUMMARY server={args.server} clients={len(clients)} processes={len(ports)} events={len(sent)} "
          f"p50={p(0.50):.0f}ms p90={p(0.90):.0f}ms p99={p(0.99):.0f}ms max={latencies[-1] * 1000:.0f}ms "
          f"mean={statistics.mean(latencies) * 1000:.0f}ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between events")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for late deliveries")
    parser.add_argument("--ports", default="8320,8321")
    parser.add_argument("--server", choices=sorted(SERVERS), default="uvicorn")
    parser.add_argument("--ramp", type=float, default=1.0, help="seconds between waves of 50 connections")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("set REDIS_URL: two processes share the Redis channel layer")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    supervisor, ticket, sessions = setup_people(args.clients)
    close_old_connections()
    asyncio.run(bench(args, supervisor, ticket, sessions))


if __name__ == "__main__":
    main()
