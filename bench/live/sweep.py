#!/usr/bin/env python
"""Benchmark (a): the traffic-light sweep over the open tickets in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/live/sweep.py [--rounds 3] [--share 0.01]

Needs tickets (bench/generate.py --tickets 1000000 --open-share 0.99 --truncate). Each round:
1. a sweep when nothing changed (after a settling sweep) — target < 0.5 s;
2. `--share` of the open tickets cross a light (half green→yellow, half →red: their warn_at /
   due_at moved to a minute ago), then one sweep claims them, writes the urge / supervise
   events, the 督办通知书 rows and the outbox — target < 3 s. Then a re-run finds nothing.
Delivery of the events (push, SMS: the outbox drain) runs after the sweep's commit in a
worker and is not part of the sweep; `--drain` times it too (push over the channel layer only).
The tickets are modified: use a scratch database.
"""
import argparse
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

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dispatch import timers  # noqa: E402
from dispatch.models import LightTimer  # noqa: E402
from hotline import notify, outbox  # noqa: E402
from hotline.models import Light, Ticket  # noqa: E402
from hotline.models.tickets import HANDLING_STATES  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def explain(light: str, now) -> str:
    sql, params = timers._due_timers(light, now, timers.CLAIM_BATCH).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def make_changes(share: float, now) -> int:
    """Move `share` of the open tickets that are green (still owed their urge) across a light:
    their deadline and the timer of that light, as if that much time had passed for them."""
    open_count = Ticket.objects.filter(state__in=HANDLING_STATES).count()
    n = int(open_count * share)
    ids = list(LightTimer.objects.filter(light=Light.YELLOW, fires_at__gt=now, ticket__state__in=HANDLING_STATES)
               .order_by("?").values_list("ticket_id", flat=True)[:n])
    half = len(ids) // 2
    past = now - timezone.timedelta(minutes=1)
    Ticket.objects.filter(pk__in=ids[:half]).update(warn_at=past)
    LightTimer.objects.filter(ticket_id__in=ids[:half], light=Light.YELLOW).update(fires_at=past)
    Ticket.objects.filter(pk__in=ids[half:]).update(due_at=past)
    LightTimer.objects.filter(ticket_id__in=ids[half:], light=Light.RED).update(fires_at=past)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dispatch_lighttimer")
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--drain", action="store_true", help="also time the outbox drain (push only)")
    parser.add_argument("--reminders", action="store_true",
                        help="also time the signing/callback reminders (first run, then steady state)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    # The sweep's after-commit hook would drain the outbox inline (eager Celery); here that is timed apart.
    outbox.schedule_drain = lambda: None
    for name in list(notify.subscribers()):
        if name != "live.push":
            notify.unsubscribe(name)

    open_count = Ticket.objects.filter(state__in=HANDLING_STATES).count()
    print(f"open tickets with a running deadline: {open_count:,} (all tickets: {Ticket.objects.count():,})")
    settle, settle_s = timed(lambda: timers.sweep_lights())
    print(f"settling sweep: {len(settle.event_ids):,} notices in {settle_s:.3f}s")
    quiet_times, busy_times = [], []
    for round_no in range(1, args.rounds + 1):
        now = timezone.now()
        result, seconds = timed(lambda: timers.sweep_lights(now=now))  # noqa: B023
        quiet_times.append(seconds)
        print(f"round {round_no}: nothing changed: {len(result.event_ids)} notices in {seconds:.3f}s")
        changed = make_changes(args.share, now)
        now = timezone.now()
        result, seconds = timed(lambda: timers.sweep_lights(now=now))  # noqa: B023
        busy_times.append(seconds)
        print(f"round {round_no}: {changed:,} changed: {len(result.urged):,} urged, "
              f"{len(result.supervised):,} supervised in {seconds:.3f}s")
        again, again_s = timed(lambda: timers.sweep_lights(now=now))  # noqa: B023
        assert not again.event_ids, "a re-run must find nothing"
        print(f"round {round_no}: re-run: 0 notices in {again_s:.3f}s")
        if args.drain:
            delivered, drain_s = timed(outbox.drain)
            print(f"round {round_no}: drained {delivered:,} events (push) in {drain_s:.1f}s")
        else:
            from hotline.models import EventOutbox

            EventOutbox.objects.all().delete()
    if args.reminders:
        first, first_s = timed(timers.remind_overdue)
        steady, steady_s = timed(timers.remind_overdue)
        print(f"reminders: first run {len(first):,} in {first_s:.2f}s; steady state {len(steady)} in {steady_s:.3f}s")
        from hotline.models import EventOutbox

        EventOutbox.objects.all().delete()
    with transaction.atomic():  # the claim locks its rows
        print("\nplan of the red claim when nothing changed:\n" + explain(Light.RED, timezone.now()))
    print(f"\nSUMMARY open={open_count:,} share={args.share:.0%} "
          f"quiet median={statistics.median(quiet_times):.3f}s max={max(quiet_times):.3f}s | "
          f"changed median={statistics.median(busy_times):.3f}s max={max(busy_times):.3f}s")


if __name__ == "__main__":
    main()
