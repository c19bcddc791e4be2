#!/usr/bin/env python
"""Monthly assessment at 10,000,000 tickets a month, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_h_score python bench/assessment/run.py [--runs 30]

Generating 10M tickets through the services is far too slow here, so the ROLLUP rows such a
month produces are synthesized with generate_series (nothing else is faked):
- a county root, 300 second-level units (the ones assessed) and 600 sub-units under them;
- reports_dailystat for the benchmark month (November 2026): per day and raw unit 110
  (channel, type, category) cells, ~2.97M rows whose `received` sums to ~10M, with the other
  counts drawn as plausible shares of it; reports_dailycube / dailyunitstat / dailydimstat are
  then derived from it by the product's own SQL (reports.rollup.derive_sql);
- eleven earlier months (December 2025 – October 2026) in reports_dailyunitstat and all twelve
  in assessment_eventdailystat (one row per day and raw unit: lead dispatches, returns, reopens,
  extensions, 督办, praise);
- the eleven earlier months are published in order (timed: `assessment_month_publish`), so that
  November, the month after the newest published one, carries the late changes of the published
  months in the carry window (assessment.counting.CARRY_MONTHS, 3): the worst case of an open month.
Then `month_scores(month=November)` (unpublished: computed live, no cache) is timed --runs times
(p50/p95/p99), and publishing November is timed 5 times, each rolled back.
The benchmark's rows are deleted first (units with code bench-*, every rollup row, every
assessment row): run it on a database of its own.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

MONTH = dt.date(2026, 11, 1)
HISTORY = 11
UNITS, SUBUNITS_EACH, CELLS = 300, 2, 110


def months_before(month, count):
    from assessment.months import months_back

    return [months_back(month, n) for n in range(count, 0, -1)]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def setup_units():
    from hotline.models import Unit

    sql("DELETE FROM hotline_unit WHERE code LIKE 'bench-%%'")  # one statement: parents with children
    root = Unit.objects.create(name="某市人民政府", code="bench-root", kind=Unit.Kind.DISTRICT)
    tops = Unit.objects.bulk_create([Unit(name=f"考核单位{n:03d}", code=f"bench-u{n}", parent=root, path="/")
                                     for n in range(UNITS)])
    for unit in tops:  # bulk_create skips save(): materialise the paths
        unit.path = f"{root.path}{unit.pk}/"
    Unit.objects.bulk_update(tops, ["path"])
    subs = Unit.objects.bulk_create([Unit(name=f"{t.name}下属{k}", code=f"bench-u{n}-{k}", parent=t, path="/")
                                     for n, t in enumerate(tops) for k in range(SUBUNITS_EACH)])
    for unit in subs:
        unit.path = f"{unit.parent.path}{unit.pk}/"
    Unit.objects.bulk_update(subs, ["path"])
    return root, [u.pk for u in tops] + [u.pk for u in subs]


def wipe():
    for table in ("reports_dailystat", "reports_dailycube", "reports_dailyunitstat", "reports_dailydimstat",
                  "assessment_eventdailystat", "assessment_monthscore", "assessment_countledger",
                  "assessment_publishedmonth", "assessment_schemeindicator", "assessment_scheme"):
        sql(f"TRUNCATE {table} CASCADE")


COUNTS_FROM_RECEIVED = """
    r, (r * 0.05)::int, (r * 0.8)::int, (r * 0.72)::int, (r * 0.76)::int, (r * 0.66)::int, (r * 0.74)::int,
    (r * 0.5)::int, (r * 0.45)::int, (r * 0.45)::int, (r * 0.40)::int, (r * 0.36)::int, (r * 0.08)::int,
    0, 0, (r * 0.3)::int, (r * 0.02)::int
"""
COUNT_COLUMNS = """received, direct_answered, dispatched, closed, due, closed_on_time, signed_on_time,
    callback_due, called_back, valid_callbacks, satisfied, resolved, open_now, suspensions, suspended_now,
    reviewed, sent_back"""


def synthesize(unit_ids):
    first, last = MONTH, (MONTH + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    # The month's finest rollup: per day × raw unit × 110 cells, received 1..6 (mean 3.5 → ~10M).
    sql(f"""
        INSERT INTO reports_dailystat (day, unit_id, channel, ticket_type, category_id, cat1_id, cat2_id,
            {COUNT_COLUMNS})
        SELECT d::date, u, (ARRAY['phone','sms','web','app','wechat','api'])[1 + c %% 6],
            (ARRAY['complaint','consultation','help','suggestion','report','praise','other'])[1 + c %% 7],
            1000 + c, 100 + c %% 15, 500 + c %% 40, {COUNTS_FROM_RECEIVED}
        FROM generate_series(%s::date, %s::date, interval '1 day') d, unnest(%s::bigint[]) u,
            generate_series(0, {CELLS - 1}) c, LATERAL (SELECT 1 + floor(random() * 6)::int + 0 * c AS r) x
    """, [first, last, unit_ids])
    from reports.models import ROLLUPS, DailyStat
    from reports.rollup import derive_sql

    for model in ROLLUPS:
        if model is not DailyStat:
            sql(derive_sql(model), [first, last])
    # Earlier months: the unit-day rollup only (what the carry reads), ~370 tickets per unit-day.
    for month in months_before(MONTH, HISTORY):
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        sql(f"""
            INSERT INTO reports_dailyunitstat (day, unit_id, {COUNT_COLUMNS})
            SELECT d::date, u, {COUNTS_FROM_RECEIVED}
            FROM generate_series(%s::date, %s::date, interval '1 day') d, unnest(%s::bigint[]) u,
                LATERAL (SELECT 300 + floor(random() * 140)::int + 0 * u AS r) x
        """, [month, end, unit_ids])
    # The event rollup, all twelve months.
    sql("""
        INSERT INTO assessment_eventdailystat (day, unit_id, lead_dispatched, returns, reopens, extensions,
            supervised, praised)
        SELECT d::date, u, x.n, (x.n * 0.02)::int, (x.n * 0.03)::int, (x.n * 0.04)::int,
            floor(random() * 3)::int, floor(random() * 2)::int
        FROM generate_series(%s::date, %s::date, interval '1 day') d, unnest(%s::bigint[]) u,
            LATERAL (SELECT 280 + floor(random() * 60)::int + 0 * u AS n) x
    """, [months_before(MONTH, HISTORY)[0], last, unit_ids])
    sql("ANALYZE reports_dailystat; ANALYZE reports_dailyunitstat; ANALYZE assessment_eventdailystat")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the synthesized rollups of a previous run")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to your PostgreSQL database"
    call_command("migrate", verbosity=0)
    from assessment.selectors import month_scores
    from assessment.services import assessment_month_publish, scheme_default_ensure
    from hotline.models import Role, User

    started = time.monotonic()
    if args.reuse:
        for table in ("assessment_monthscore", "assessment_countledger", "assessment_publishedmonth",
                      "assessment_schemeindicator", "assessment_scheme"):
            sql(f"TRUNCATE {table} CASCADE")
        unit_ids = []
    else:
        wipe()
        _root, unit_ids = setup_units()
        synthesize(unit_ids)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), SUM(received) FROM reports_dailystat")
        stat_rows, received = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM reports_dailyunitstat")
        unit_rows = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM assessment_eventdailystat")
        event_rows = cursor.fetchone()[0]
    print(f"synthesized in {time.monotonic() - started:.0f} s: reports_dailystat {stat_rows:,} rows "
          f"(received {received:,} in {MONTH:%Y-%m}), reports_dailyunitstat {unit_rows:,}, "
          f"assessment_eventdailystat {event_rows:,}; units {len(unit_ids) + 1 if unit_ids else 'reused'}")

    scheme_default_ensure(valid_from=dt.date(2025, 1, 1))
    actor, _ = User.objects.get_or_create(username="bench-supervisor", defaults={"role": Role.SUPERVISOR})
    publish_times = []
    for month in months_before(MONTH, HISTORY):
        t0 = time.perf_counter()
        assessment_month_publish(month=month, actor=actor, refresh=False)
        publish_times.append(time.perf_counter() - t0)
    print(f"published {HISTORY} earlier months in order: median {statistics.median(publish_times) * 1000:.0f} ms, "
          f"max {max(publish_times) * 1000:.0f} ms")

    scores = month_scores(month=MONTH)  # warm-up
    print(f"{MONTH:%Y-%m}: {len(scores)} units assessed, best {scores[0].unit_name} {scores[0].score}")
    from django.core.cache import cache

    for cached in (False, True):
        times = []
        for _ in range(args.runs):
            if not cached:
                cache.clear()  # computed from the rollups every time (the cache is the bench's Redis index)
            t0 = time.perf_counter()
            month_scores(month=MONTH)
            times.append(time.perf_counter() - t0)
        ms = [t * 1000 for t in times]
        print(f"month_scores (open month, {'cached' if cached else 'computed'}, {args.runs} runs): "
              f"p50 {percentile(ms, .5):.0f} ms, p95 {percentile(ms, .95):.0f} ms, "
              f"p99 {percentile(ms, .99):.0f} ms, max {max(ms):.0f} ms")

    publishing = []
    for _ in range(5):
        t0 = time.perf_counter()
        try:
            with transaction.atomic():
                assessment_month_publish(month=MONTH, actor=actor, refresh=False)
                publishing.append(time.perf_counter() - t0)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    pub = [t * 1000 for t in publishing]
    print(f"assessment_month_publish({MONTH:%Y-%m}) (5 runs, rolled back): p50 {percentile(pub, .5):.0f} ms, "
          f"max {max(pub):.0f} ms")


if __name__ == "__main__":
    main()
