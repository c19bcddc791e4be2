"""Faults under load on the production topology (bin/prod-up's processes), bounded in time.

    python bench/prod/faults.py [--rate 4] [--sms-rate 2] [--phase 8] [--faults worker,redis,postgres,smpp]

Starts a private PostgreSQL and Redis (ports 5440 / 6390, temp dirs /tmp/prod-faults-*: they are
restarted, never the machine's) and the topology on ports 8350-8355, seeds the demo's people,
then, while registrations (REST API through nginx, each with its own marker and phone, retried
after a failure as a client would) and citizens' SMS (MO through the SMSC simulator) flow at
steady rates, in turn: kill -9 the Celery worker, restart Redis, restart PostgreSQL, kill -9
the SMPP gateway, each brought back (a killed process is restarted as compose's
`restart: unless-stopped` would). Afterwards it checks every ticket exists exactly once, every
receipt SMS reached the SMSC exactly once, no outbox row or SMS is stuck, the display agrees
with the database and a websocket client (through nginx) caught up, and prints the counts.
tests/prod/test_faults.py runs it with smaller numbers in CI.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from deploy.prodctl import MODEL_CACHE, Topology, seed_shipped_classifier
from tools.private_servers import PrivatePostgres, PrivateRedis
from tools.prod_client import Api, LiveSocket, all_mt_texts, mt_texts, session_cookie, smsc_at, wait_for

FAULTS = ("worker", "redis", "postgres", "smpp")


@dataclass
class Load:
    """What the clients sent and what they were told."""

    acknowledged: list[str] = field(default_factory=list)  # API markers answered 201
    refused: list[str] = field(default_factory=list)  # API markers never acknowledged (every retry failed)
    retried: int = 0  # registration requests sent again after a failure
    sms_sent: list[str] = field(default_factory=list)  # MO markers the SMSC accepted for delivery
    sms_refused: int = 0
    last_ack: float = 0.0  # monotonic time of the latest acknowledged registration


class Traffic:
    """Registrations and SMS at steady rates, in two threads, until stopped."""

    def __init__(self, topology: Topology, run: str, rate: float, sms_rate: float):
        self.api = Api(topology.url, "operator")
        self.smsc = smsc_at(topology)
        self.run, self.rate, self.sms_rate = run, rate, sms_rate
        self.load = Load()
        self.stop = threading.Event()
        self.phones = itertools.count(1)
        self.threads = [threading.Thread(target=self._registrations, daemon=True),
                        threading.Thread(target=self._sms, daemon=True)]

    def start(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def finish(self) -> Load:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        return self.load

    def _phone(self) -> str:
        return f"1370{self.run[-3:]}{next(self.phones):04d}"

    def _registrations(self) -> None:
        for n in itertools.count():
            if self.stop.is_set():
                return
            began = time.monotonic()
            marker = f"FAPI{self.run}-{n:05d}"
            body = {"channel": "phone", "ticket_type": "complaint", "title": f"故障测试{n}",
                    "content": f"小区路灯不亮，晚上出行不安全。{marker}", "citizen_phone": self._phone()}
            # A client keeps trying for ~20 s, the same registration each time under one Idempotency-Key:
            # a try whose answer was lost (a 500 after the commit, a timeout) is not registered twice.
            for attempt in range(40):
                try:
                    answer = self.api.http.post(f"{self.api.base_url}/api/tickets/", json=body, timeout=10,
                                                headers={"Idempotency-Key": marker})
                    if answer.status_code == 201:
                        self.load.acknowledged.append(marker)
                        self.load.last_ack = time.monotonic()
                        break
                    if answer.status_code < 500 and answer.status_code not in (408, 429):
                        raise AssertionError(f"registration refused: {answer.status_code} {answer.text[:300]}")
                except requests.RequestException:
                    pass
                self.load.retried += attempt == 0
                time.sleep(0.5)
            else:
                self.load.refused.append(marker)
            time.sleep(max(0.0, 1 / self.rate - (time.monotonic() - began)))

    def _sms(self) -> None:
        for n in itertools.count():
            if self.stop.is_set():
                return
            began = time.monotonic()
            marker = f"FSMS{self.run}-{n:05d}"
            try:
                self.smsc.mo(**{"from": "86" + self._phone(), "text": f"投诉：楼下餐馆油烟太大。{marker}"})
                self.load.sms_sent.append(marker)
            except OSError:
                self.load.sms_refused += 1
            time.sleep(max(0.0, 1 / self.sms_rate - (time.monotonic() - began)))


class Faults:
    def __init__(self, topology: Topology, postgres: PrivatePostgres, redis: PrivateRedis):
        self.topology, self.postgres, self.redis = topology, postgres, redis
        self.supervising = threading.Event()

    def supervise(self) -> None:
        """compose's `restart: unless-stopped`: a service that exits is started again."""
        while self.supervising.is_set():
            for name in self.topology.names():
                if self.topology.pid(name) is None and self.supervising.is_set():
                    self.topology.start(name)
            time.sleep(1)

    def inject(self, fault: str) -> None:
        if fault in ("worker", "smpp"):
            self.topology.kill(fault)  # kill -9
            time.sleep(2)  # down a moment before it is restarted
            self.topology.start(fault)
        elif fault == "redis":
            self.redis.restart()
        elif fault == "postgres":
            self.postgres.restart()
        else:
            raise ValueError(fault)

    def recovered_after(self, fault: str, probe_phone: str) -> float:
        """Seconds from the fault until a registration made after it has its receipt at the SMSC: the whole
        path (nginx, web, PostgreSQL, outbox, Redis, worker, gateway, SMSC) works again."""
        began = time.monotonic()
        self.inject(fault)
        self.topology.wait_healthy([n for n in self.topology.names() if n != "smsc"], timeout=120)
        api, smsc = Api(self.topology.url, "operator"), smsc_at(self.topology)

        def registered():
            try:
                answer = api.http.post(f"{api.base_url}/api/tickets/", timeout=10, json={
                    "channel": "phone", "ticket_type": "complaint", "content": f"探测{fault}：路灯不亮",
                    "citizen_phone": probe_phone}, headers={"Idempotency-Key": f"probe-{probe_phone}"})
                return answer.json()["number"] if answer.status_code == 201 else None
            except (requests.RequestException, ValueError):
                return None
        number = wait_for(registered, timeout=120, interval=0.5, what=f"a registration after the {fault} fault")
        wait_for(lambda: any(number in text for text in mt_texts(smsc, probe_phone)), timeout=180, interval=0.5,
                 what=f"the receipt of a registration after the {fault} fault")
        return time.monotonic() - began


def settle(topology: Topology, database_url: str, timeout: float) -> dict:
    """Wait until nothing is left to deliver: outbox empty, every SMS final, every MO handled."""
    def backlog() -> dict:
        with psycopg.connect(database_url, autocommit=True) as db:
            one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
            return {
                "outbox_rows": one("SELECT count(*) FROM dispatch_eventoutbox"),
                # Not yet handed to the SMSC (ours to send), and handed but without its receipt yet.
                "sms_not_sent": one("SELECT count(*) FROM sms_gateway_message WHERE direction <> 'inbound' "
                                    "AND status IN ('queued', 'sending')"),
                "sms_awaiting_receipt": one("SELECT count(*) FROM sms_gateway_message WHERE direction <> 'inbound' "
                                            "AND status = 'sent'"),
                "receipts_pending_at_smsc": smsc_at(topology).state()["pendingReceipts"],
                "mo_not_handled": one("SELECT count(*) FROM sms_gateway_message WHERE direction = 'inbound' "
                                      "AND intake_state <> 'done'"),
                "mo_pending_at_smsc": smsc_at(topology).state()["pendingMo"],
            }
    with contextlib.suppress(TimeoutError):
        wait_for(lambda: not any(backlog().values()), timeout=timeout, interval=1, what="the backlog to drain")
    left = backlog()
    if left["sms_not_sent"] or left["sms_awaiting_receipt"]:
        left["unfinished_sms"] = unfinished_sms(database_url)
    return left


def unfinished_sms(database_url: str) -> list[dict]:
    """What an undrained backlog holds: each outbound SMS not final, with its parts' states, so a
    failure says which notice stuck and where."""
    with psycopg.connect(database_url, autocommit=True) as db:
        rows = db.execute(
            "SELECT m.id, m.kind, m.status, m.date_created, m.date_updated, "
            "coalesce(string_agg(p.state || '/' || p.attempts || '/' || coalesce(p.next_try_at::text, '-'), ' '), '')"
            " FROM sms_gateway_message m LEFT JOIN sms_gateway_messagepart p ON p.message_id = m.id"
            " WHERE m.direction <> 'inbound' AND m.status IN ('queued', 'sending', 'sent')"
            " GROUP BY m.id ORDER BY m.id LIMIT 20").fetchall()
    return [{"id": r[0], "kind": r[1], "status": r[2], "created": str(r[3]), "updated": str(r[4]), "parts": r[5]}
            for r in rows]


def check(topology: Topology, database_url: str, load: Load, socket: LiveSocket, since_event: int) -> dict:
    smsc = smsc_at(topology)
    with psycopg.connect(database_url, autocommit=True) as db:
        # The citizen's phone is encrypted at rest (docs/SECURITY-pii.md): receipts are matched by
        # the ticket's number, which only that ticket's SMS carry.
        rows = db.execute("SELECT t.number, t.content FROM hotline_ticket t "
                          "WHERE t.content ~ 'F(API|SMS)[0-9]+-[0-9]{5}'").fetchall()
        events = [row[0] for row in db.execute("SELECT id FROM hotline_ticketevent WHERE id > %s", [since_event])]
    found = Counter()
    for _number, content in rows:
        for word in content.split("。"):
            if word.startswith(("FAPI", "FSMS")):
                found[word] += 1
    sent = load.acknowledged + load.sms_sent
    tickets = {
        "sent": len(sent), "created": sum(1 for m in sent if found[m]),
        "duplicated": sum(found[m] - 1 for m in sent if found[m] > 1), "lost": sum(1 for m in sent if not found[m]),
        "refused_by_api": len(load.refused), "refused_but_created": sum(1 for m in load.refused if found[m]),
        "api_retries": load.retried,
    }
    # Every ticket's receipt (each caller has a phone of their own) reached the SMSC exactly once.
    texts = [text for per_phone in all_mt_texts(smsc.state()["submits"]).values() for text in per_phone]
    receipts_per_ticket = [sum(1 for text in texts if number in text) for number, _content in rows]
    notices = {"sent": len(rows), "delivered_once": receipts_per_ticket.count(1),
               "duplicated": sum(n - 1 for n in receipts_per_ticket if n > 1), "lost": receipts_per_ticket.count(0)}
    missed = sorted(set(events) - socket.ids)
    return {
        "tickets": tickets, "notices": notices, "display": display_state(topology, database_url),
        "board": board_state(topology, database_url),
        "websocket": {"events": len(events), "missed": len(missed), "reconnects": socket.reconnects},
    }


def run(topology: Topology, postgres: PrivatePostgres, redis: PrivateRedis, *, rate: float, sms_rate: float,
        phase: float, faults=FAULTS, settle_seconds: float = 180) -> dict:
    run_id = time.strftime("%H%M%S")
    with psycopg.connect(postgres.url, autocommit=True) as db:
        since_event = db.execute("SELECT coalesce(max(id), 0) FROM hotline_ticketevent").fetchone()[0]
    socket = LiveSocket(topology.url, session_cookie(topology.url, "supervisor")).start()
    injector = Faults(topology, postgres, redis)
    injector.supervising.set()
    supervisor = threading.Thread(target=injector.supervise, daemon=True)
    supervisor.start()
    traffic = Traffic(topology, run_id, rate, sms_rate).start()
    recovery = {}
    try:
        time.sleep(phase)
        for i, fault in enumerate(faults):
            recovery[fault] = round(injector.recovered_after(fault, f"1360{run_id[-3:]}{i:04d}"), 1)
            time.sleep(phase)
        load = traffic.finish()
        backlog = settle(topology, postgres.url, settle_seconds)
        # The display's day figures come from the rollups beat refreshes every minute: ask the worker for
        # that refresh and the snapshot now rather than wait for the next tick.
        for task in ("reports.tasks.refresh_rollups", "reports.tasks.rebuild_display_snapshot"):
            topology.celery("call", task)
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: display_state(topology, postgres.url)["agrees"], timeout=60, interval=1,
                     what="the display")
        result = check(topology, postgres.url, load, socket, since_event)
    finally:
        traffic.finish()
        injector.supervising.clear()
        supervisor.join(10)
        socket.stop()
    return {**result, "recovery_seconds": recovery, "backlog_after": backlog,
            "rates": {"registrations_per_s": rate, "sms_per_s": sms_rate, "phase_s": phase}}


def display_state(topology: Topology, database_url: str) -> dict:
    """/api/display/summary.json beside the database: today's count and the newest tickets."""
    with psycopg.connect(database_url, autocommit=True) as db:
        today = db.execute("SELECT count(*) FROM hotline_ticket WHERE (created_at AT TIME ZONE 'Asia/Shanghai')::date"
                           " = (now() AT TIME ZONE 'Asia/Shanghai')::date").fetchone()[0]
        newest = [r[0] for r in db.execute("SELECT number FROM hotline_ticket WHERE state NOT IN ('invalid', 'merged')"
                                           " ORDER BY created_at DESC LIMIT 5")]
    display = Api(topology.url, "display").get("/api/display/summary.json")
    shown = [r["number"] for r in display["recent"][:5]]
    return {"today_received": display["today"]["received"], "database_today": today, "recent": shown,
            "database_newest": newest, "agrees": display["today"]["received"] == today and shown == newest}


def board_state(topology: Topology, database_url: str) -> dict:
    """The supervisor's board (/board/, its 待派单 section) beside the database."""
    with psycopg.connect(database_url, autocommit=True) as db:
        waiting = db.execute("SELECT count(*) FROM hotline_ticket WHERE state IN ('registered', 'approved', 'reopened')"
                             ).fetchone()[0]
    page = requests.get(f"{topology.url}/board/?part=approval", timeout=15,
                        headers={"Cookie": session_cookie(topology.url, "supervisor")}).text
    count = re.search(r'<span class="count[^"]*">(\d+)(\+?)</span>', page)
    shown, capped = int(count.group(1)), bool(count.group(2))
    return {"approval_count": f"{shown}{'+' if capped else ''}", "database": waiting,
            "agrees": waiting > shown if capped else waiting == shown}  # "N+" beyond web.lists.COUNT_CAP


def print_report(result: dict) -> None:
    t, n = result["tickets"], result["notices"]
    print(f"tickets  sent {t['sent']}, created {t['created']}, duplicated {t['duplicated']}, lost {t['lost']}"
          f"  (API refused after retries {t['refused_by_api']}, of which created {t['refused_but_created']};"
          f" requests retried {t['api_retries']})")
    print(f"notices  sent {n['sent']}, delivered once {n['delivered_once']}, duplicated {n['duplicated']},"
          f" lost {n['lost']}")
    print("recovery " + ", ".join(f"{k} {v} s" for k, v in result["recovery_seconds"].items()))
    print(f"backlog  {result['backlog_after']}")
    print(f"display  {result['display']}")
    print(f"board    {result['board']}")
    print(f"websocket {result['websocket']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=4, help="registrations per second (API)")
    parser.add_argument("--sms-rate", type=float, default=2, help="citizens' SMS per second (MO)")
    parser.add_argument("--phase", type=float, default=8, help="seconds of steady load before and after each fault")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--port-base", type=int, default=8350)
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="prod-faults-"))
    base.chmod(0o755)
    postgres = PrivatePostgres(5440, base / "pg").start()
    redis = PrivateRedis(6390, base / "redis").start()
    p = args.port_base
    topology = Topology({**os.environ, "PATH": os.environ.get("PATH", "") + ":/usr/sbin",
                         "DATABASE_URL": postgres.url, "REDIS_URL": redis.url, "SMPP_URL": "",
                         "SECRET_KEY": os.environ.get("SECRET_KEY", "faults-bench-key"), "PROD_DIR": str(base / "run"),
                         "HTTP_PORT": str(p), "PROD_WEB_PORT": str(p + 1), "PROD_WS_PORT": str(p + 2),
                         "PROD_SMSC_PORT": str(p + 3), "PROD_SMSC_CONTROL_PORT": str(p + 4)})
    try:
        seed_shipped_classifier(topology, MODEL_CACHE)
        topology.up()
        topology.manage("seed_demo", "--no-tickets")
        result = run(topology, postgres, redis, rate=args.rate, sms_rate=args.sms_rate, phase=args.phase,
                     faults=args.faults.split(","))
        print_report(result)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        t, n = result["tickets"], result["notices"]
        return 0 if not (t["lost"] or t["duplicated"] or n["lost"] or n["duplicated"]) else 1
    finally:
        for stop in (topology.down, redis.stop, postgres.stop):
            try:
                stop()
            except Exception as error:  # stop the rest all the same
                print(f"cleanup: {error}", file=sys.stderr)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
