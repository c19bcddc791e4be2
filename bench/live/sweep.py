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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dispatch import timers  # noqa: E402
from hotline import notify  # noqa: E402
from hotline.models import Light, Ticket  # noqa: E402
from hotline.models.tickets import HANDLING_STATES  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def explain(light: str, now) -> str:
    _, before = timers.LIGHT_NOTICES[light]
    column = "due_at" if light == Light.RED else "warn_at"
    qs = (Ticket.objects.filter(timers.light_q(light, now), light_notified__in=before)
          .order_by(column).values("id")[:timers.CLAIM_BATCH])
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def make_changes(share: float, now) -> int:
    """Move `share` of the open tickets that are green and notified green across a light."""
    open_count = Ticket.objects.filter(state__in=HANDLING_STATES).count()
    n = int(open_count * share)
    ids = list(Ticket.objects.filter(timers.light_q(Light.GREEN, now), light_notified=Light.GREEN)
               .order_by("?").values_list("id", flat=True)[:n])
    half = len(ids) // 2
    minute = timezone.timedelta(minutes=1)
    Ticket.objects.filter(pk__in=ids[:half]).update(warn_at=now - minute)
    Ticket.objects.filter(pk__in=ids[half:]).update(due_at=now - minute)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hotline_ticket")
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
    timers.schedule_outbox_drain = lambda: None
    for name in list(notify.subscribers()):
        if name != "channels_app.push":
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
            delivered, drain_s = timed(timers.drain_outbox)
            print(f"round {round_no}: drained {delivered:,} events (push) in {drain_s:.1f}s")
        else:
            from dispatch.models import EventOutbox

            EventOutbox.objects.all().delete()
    if args.reminders:
        first, first_s = timed(timers.remind_overdue)
        steady, steady_s = timed(timers.remind_overdue)
        print(f"reminders: first run {len(first):,} in {first_s:.2f}s; steady state {len(steady)} in {steady_s:.3f}s")
        from dispatch.models import EventOutbox

        EventOutbox.objects.all().delete()
    print("\nplan of the red claim when nothing changed:\n" + explain(Light.RED, timezone.now()))
    print(f"\nSUMMARY open={open_count:,} share={args.share:.0%} "
          f"quiet median={statistics.median(quiet_times):.3f}s max={max(quiet_times):.3f}s | "
          f"changed median={statistics.median(busy_times):.3f}s max={max(busy_times):.3f}s")


if __name__ == "__main__":
    main()
