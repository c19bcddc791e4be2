#!/usr/bin/env python
"""SMS throughput: the official twilio client -> the Twilio-compatible API (daphne) ->
smpp_gateway -> the SMSC simulator -> delivery receipts -> delivered, counted end to end.

    python bench/sms/run.py --messages 2000                  # steady run
    python bench/sms/run.py --messages 2000 --restart-smsc   # SMSC killed and restarted half way

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default .../hotline_sms_bench, created if
missing) and ports SMS_BENCH_PORT_BASE+20.. (default 8220-8221 SMSC, 8222+ daphne). Prints a summary and one
JSON line. Fails (exit 1) if any message is lost or any part reached the SMSC twice.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import mkdtemp
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.smsc.driver import GatewayProcess, Smsc, wait_for  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/hotline_sms_bench"


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8, help="concurrent API clients")
    parser.add_argument("--api-processes", type=int, default=2,
                        help="daphne processes (docs/PRODUCT.md §7: more ASGI processes behind a load balancer)")
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--rate", type=float, default=500, help="gateway rate cap (submit_sm/s)")
    parser.add_argument("--restart-smsc", action="store_true", help="kill -9 and restart the SMSC half way")
    parser.add_argument("--gateway-only", action="store_true",
                        help="queue every message in one transaction (no API): the SMPP path alone")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    base = int(os.environ.get("SMS_BENCH_PORT_BASE", "8200"))
    workdir = Path(mkdtemp(prefix="sms-bench-"))
    ensure_database(database_url)
    # Under ASGI persistent connections leak one per request thread: a pool instead (DB_POOL_SIZE).
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "LOG_LEVEL": "WARNING",
           "DB_CONN_MAX_AGE": "0", "DB_POOL_SIZE": "8", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    os.environ.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("twilio").setLevel(logging.WARNING)
    from twilio.rest import Client

    from sms_gateway.models import ApiAccount, InboundPart, Message, MessagePart

    Message.objects.all().delete()
    InboundPart.objects.all().delete()
    # Earlier runs leave dead rows at the end of the id indexes; the planner would probe them
    # on every ORDER BY id (milliseconds per query) until autovacuum came by.
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (Message, InboundPart, MessagePart):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    account = ApiAccount.objects.create(friendly_name="bench")

    smsc = Smsc(base + 20, base + 21, workdir / "smsc.jsonl", receipt_delay_ms=5).start()
    env["SMPP_URL"] = smsc.url
    api_ports = [base + 22 + i for i in range(args.api_processes)]
    apis = [subprocess.Popen([str(Path(sys.executable).with_name("daphne")), "-b", "127.0.0.1", "-p", str(port),
                              "config.asgi:application"], cwd=ROOT, env=env,
                             stdout=open(workdir / f"daphne{port}.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
            for port in api_ports]
    gateway = GatewayProcess(database_url, smsc.url, workdir / "gateway.log", LOG_LEVEL="WARNING",
                             SMS_SMPP_DOUBT_SECONDS="5").start("--window", str(args.window), "--rate", str(args.rate))
    api_urls = [f"http://127.0.0.1:{port}" for port in api_ports]

    def api_up():
        try:
            for api_url in api_urls:
                urllib.request.urlopen(f"{api_url}/2010-04-01/Accounts/x/Messages.json", timeout=2)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    try:
        wait_for(api_up, timeout=30, what="daphne")
        wait_for(lambda: smsc.state()["bound"] == 1, timeout=30, what="gateway bound")
        local = threading.local()
        next_api = iter(range(10**9))

        def client():
            if not hasattr(local, "client"):  # each client thread sticks to one API process
                local.client = Client(account.sid, account.auth_token)
                local.client.api.base_url = api_urls[next(next_api) % len(api_urls)]
            return local.client

        created_at: dict[str, float] = {}
        errors: list[str] = []

        def create(i: int) -> None:
            try:
                body = f"压测短信第{i}条：您的工单已受理"
                sid = client().messages.create(to=f"13{i:09d}", from_="12345", body=body).sid
                created_at[sid] = time.time()
            except Exception as exc:  # counted: a refused create is a lost message
                errors.append(repr(exc))

        restarted = {}

        def restart_half_way():
            wait_for(lambda: len(smsc.state()["submits"]) >= args.messages // 2, timeout=args.timeout,
                     interval=0.02, what="half the messages at the SMSC")
            restarted["binds_before"] = smsc.state()["stats"]["binds"]
            smsc.kill()
            restarted["at"] = time.time()
            time.sleep(1.0)  # the SMSC is down for a second
            smsc.start()
            restarted["up"] = time.time()

        if args.restart_smsc:
            threading.Thread(target=restart_half_way, daemon=True).start()
        if args.gateway_only:
            from django.conf import settings
            from django.db import transaction

            from sms_gateway.services import sms_send

            settings.SMS_TRANSPORT = "smpp"
            with transaction.atomic():
                sids = [sms_send(to=f"13{i:09d}", body=f"压测短信第{i}条：您的工单已受理", kind="api").sid
                        for i in range(args.messages)]
            started = time.time()
            created_at.update(dict.fromkeys(sids, started))
        else:
            started = time.time()
            with ThreadPoolExecutor(args.threads) as pool:
                list(pool.map(create, range(args.messages)))
        submitted = time.time()
        expected = args.messages - len(errors)
        wait_for(lambda: Message.objects.filter(status="delivered").count() >= expected,
                 timeout=args.timeout, interval=0.2, what="all delivered")
        finished = time.time()

        rows = list(Message.objects.filter(status="delivered").values_list("sid", "date_updated"))
        latencies = sorted(updated.timestamp() - created_at[sid] for sid, updated in rows if sid in created_at)
        submits = smsc.state()["submits"]
        seen: dict[tuple, int] = {}
        for s in submits:
            key = (s["dst"], s["sm"])
            seen[key] = seen.get(key, 0) + 1
        duplicated = sum(n - 1 for n in seen.values() if n > 1)
        lost = args.messages - len(rows)
        result = {
            "messages": args.messages, "threads": args.threads, "window": args.window,
            "api_processes": args.api_processes,
            "restart_smsc": args.restart_smsc, "gateway_only": args.gateway_only,
            "api_create_per_s": None if args.gateway_only else round(args.messages / (submitted - started), 1),
            "end_to_end_per_s": round(len(rows) / (finished - started), 1),
            "seconds": round(finished - started, 2),
            "latency_p50_ms": round(1000 * statistics.median(latencies)) if latencies else None,
            "latency_p95_ms": round(1000 * latencies[int(len(latencies) * 0.95) - 1]) if latencies else None,
            "delivered": len(rows), "lost": lost, "duplicated": duplicated, "api_errors": len(errors),
            "smsc_submits": len(submits),
            "smsc_binds": smsc.state()["stats"]["binds"] + restarted.get("binds_before", 0),
        }
        if restarted:
            result["smsc_down_s"] = round(restarted["up"] - restarted["at"], 2)
        print(f"{result['delivered']}/{args.messages} delivered in {result['seconds']}s: "
              f"{result['end_to_end_per_s']} msg/s end to end (API {result['api_create_per_s']} msg/s), "
              f"p50 {result['latency_p50_ms']} ms, p95 {result['latency_p95_ms']} ms; "
              f"lost {lost}, duplicated {duplicated}, SMSC binds {result['smsc_binds']}")
        if errors:
            print("first API error:", errors[0])
        print(json.dumps(result))
        return 0 if lost == 0 and duplicated == 0 and not errors else 1
    finally:
        gateway.stop()
        for api in apis:
            api.terminate()
            api.wait(timeout=10)
        smsc.stop()


if __name__ == "__main__":
    sys.exit(main())
