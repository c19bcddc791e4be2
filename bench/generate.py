#!/usr/bin/env python
"""Fill PostgreSQL with a city's worth of realistic tickets, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \
        python bench/generate.py --tickets 1000000 [--open-share 0.05] [--days 365] [--truncate]

The rows are made by PostgreSQL itself (INSERT … SELECT over generate_series), so a
million tickets take tens of seconds, not hours. Secondary indexes are dropped during
the load and rebuilt after, then the tables are analysed.

Distributions (a 12345 hotline's typical mix):
- created over the last --days days, skewed towards recent days;
- channel: phone 60%, web 20%, sms 10%, api 5%, walk-in 5%;
- type: 咨询 35%, 求助 20%, 投诉 25%, 举报 5%, 建议 10%, 表扬 3%, 其他 2%; 3% urgent (24 h);
- outcomes: ~55% of consultations answered directly, 2% invalid, 2% merged, the rest
  dispatched to one of the units; whether a handled ticket is dispatched, in progress,
  replied or closed follows from its timestamps and now, so old tickets are closed and
  recent ones open, with green/yellow/red lights in natural proportions;
- --open-share forces that share of tickets into dispatched/in-progress with deadlines
  spread so that about 70% are green, 15% yellow and 15% red (for the timers benchmark);
- replies land on time ~85% of the time; callbacks 85% 满意, 11% 基本满意, 4% 不满意;
- other units' parts: a co-unit on 6% of dispatched tickets, and on 4% a first round
  another unit returned (the lead unit's part is then round 2).
The units, users and categories it needs are created with the ORM if missing.
"""
import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from hotline.models import Category, Role, Unit, User  # noqa: E402

TABLES = ("hotline_ticket", "dispatch_assignment", "dispatch_survey", "dispatch_lighttimer")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰"

UNITS = [
    ("县住房和城乡建设局", "department"), ("县交通运输局", "department"), ("县生态环境局", "department"),
    ("县教育体育局", "department"), ("县卫生健康委员会", "department"), ("县人力资源和社会保障局", "department"),
    ("县市场监督管理局", "department"), ("县公安局", "department"), ("县自然资源局", "department"),
    ("县农业农村局", "department"), ("县水利局", "department"), ("县城市管理局", "department"),
    ("县民政局", "department"), ("县商务局", "department"), ("县文化广电和旅游局", "department"),
    ("县医疗保障局", "department"), ("县应急管理局", "department"), ("县发展和改革委员会", "department"),
    ("县财政局", "department"), ("县税务局", "department"),
    ("城关镇", "town"), ("东城街道", "town"), ("西城街道", "town"), ("北关镇", "town"), ("槐店镇", "town"),
    ("刘庄店镇", "town"), ("付井镇", "town"), ("老城镇", "town"), ("赵德营镇", "town"), ("周营镇", "town"),
    ("县供电公司", "enterprise"), ("县自来水公司", "enterprise"), ("县燃气公司", "enterprise"),
    ("县公交公司", "enterprise"), ("县邮政分公司", "enterprise"),
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_reference_data() -> tuple[list[int], list[int], int]:
    """Units (a county with departments, towns, utilities), one staff user per unit, a leader."""
    county, _ = Unit.objects.get_or_create(code="bench-county", defaults={"name": "基准测试县人民政府",
                                                                         "kind": "district"})
    unit_ids = []
    for index, (name, kind) in enumerate(UNITS):
        unit, _ = Unit.objects.get_or_create(
            code=f"bench-{index}",
            defaults={"name": f"{name}（基准）" if Unit.objects.filter(name=name).exists() else name,
                      "kind": kind, "parent": county, "head_phone": f"1390000{index:04d}"},
        )
        unit_ids.append(unit.pk)
        User.objects.get_or_create(username=f"bench_unit_{index}",
                                   defaults={"role": Role.UNIT_STAFF, "unit": unit})
    leader, _ = User.objects.get_or_create(username="bench_leader", defaults={"role": Role.LEADER})
    User.objects.get_or_create(username="bench_operator", defaults={"role": Role.OPERATOR})
    User.objects.get_or_create(username="bench_supervisor", defaults={"role": Role.SUPERVISOR})
    leaves = list(Category.objects.filter(level=3).values_list("pk", flat=True))
    return unit_ids, leaves, leader.pk


def load_samples(cursor) -> int:
    cursor.execute("CREATE TEMP TABLE bench_sample (i serial PRIMARY KEY, title text, content text)")
    rows = []
    with open(ROOT / "hotline" / "data" / "sample_messages.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            rows.append((row["title"][:200], row["detail"][:2000]))
    cursor.executemany("INSERT INTO bench_sample (title, content) VALUES (%s, %s)", rows)
    cursor.execute("ANALYZE bench_sample")
    return len(rows)


def secondary_indexes(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = ANY(%s) AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'""",
        [list(TABLES)],
    )
    return cursor.fetchall()


def generate_citizens(cursor, count: int, offset: int) -> tuple[int, int]:
    # The phones are made plain (the digest column holds a placeholder), then sealed as the
    # application stores them (issue 20: encrypted, found by a keyed digest; hotline.pii).
    cursor.execute(
        """INSERT INTO hotline_citizen (phone, phone_digest, id_number, name, sms_opt_out, created_at)
           SELECT '1' || (3 + g %% 7)::text || lpad((g + %(offset)s)::text, 9, '0'),
                  'plain-' || (g + %(offset)s)::text, '',
                  substr(%(surnames)s, 1 + (g * 7) %% char_length(%(surnames)s), 1)
                    || substr(%(given)s, 1 + (g * 13) %% char_length(%(given)s), 1),
                  (g %% 50 = 0), now() - (random() * 700) * interval '1 day'
           FROM generate_series(1, %(count)s) g
           ON CONFLICT (phone_digest) DO NOTHING""",
        {"count": count, "offset": offset, "surnames": SURNAMES, "given": GIVEN},
    )
    seal_citizens(cursor)
    cursor.execute("SELECT min(id), max(id) FROM hotline_citizen")
    return cursor.fetchone()


def seal_citizens(cursor, batch: int = 5000) -> None:
    from hotline import pii

    while True:
        cursor.execute("SELECT id, phone FROM hotline_citizen WHERE phone_digest LIKE 'plain-%%' LIMIT %s", [batch])
        rows = cursor.fetchall()
        if not rows:
            return
        cursor.executemany("UPDATE hotline_citizen SET phone = %s, phone_digest = %s WHERE id = %s",
                           [(pii.encrypt(phone, label="citizen.phone"), pii.digest(phone, label="citizen.phone"), pk)
                            for pk, phone in rows])


TICKET_SQL = """
WITH base AS (
  SELECT g,
         %(now)s::timestamptz - (%(days)s * power(random(), 1.3)) * interval '1 day' AS created_at,
         random() AS r_channel, random() AS r_type, random() AS r_outcome, random() AS r_urgent,
         random() AS r_sign, random() AS r_reply, random() AS r_close, random() AS r_open,
         random() AS r_pick, random() AS r_unit, random() AS r_cat, random() AS r_cit, random() AS r_area
  FROM generate_series(%(start)s, %(stop)s) g
), typed AS (
  SELECT b.*,
    CASE WHEN r_channel < 0.60 THEN 'phone' WHEN r_channel < 0.70 THEN 'sms' WHEN r_channel < 0.90 THEN 'web'
         WHEN r_channel < 0.95 THEN 'api' ELSE 'walk_in' END AS channel,
    CASE WHEN r_type < 0.35 THEN 'consultation' WHEN r_type < 0.55 THEN 'help' WHEN r_type < 0.80 THEN 'complaint'
         WHEN r_type < 0.85 THEN 'report' WHEN r_type < 0.95 THEN 'suggestion' WHEN r_type < 0.98 THEN 'praise'
         ELSE 'other' END AS ticket_type,
    CASE WHEN r_urgent < 0.03 THEN 'urgent' ELSE 'normal' END AS urgency,
    (r_open < %(open_share)s) AS forced_open
  FROM base b
), timed AS (
  SELECT t.*,
    CASE WHEN urgency = 'urgent' THEN interval '24 hours'
         ELSE (CASE ticket_type WHEN 'consultation' THEN 3 WHEN 'help' THEN 5 WHEN 'complaint' THEN 10
               WHEN 'report' THEN 10 WHEN 'suggestion' THEN 15 ELSE 5 END) * interval '1.4 days' END AS span,
    CASE WHEN forced_open THEN 'handled'
         WHEN ticket_type = 'consultation' AND r_outcome < 0.55 THEN 'direct'
         WHEN r_outcome > 0.98 THEN 'invalid' WHEN r_outcome > 0.96 THEN 'merged' ELSE 'handled' END AS outcome
  FROM typed t
), stamped AS (
  SELECT s.*,
    CASE WHEN forced_open THEN %(now)s::timestamptz - span * (r_sign * 1.25)
         ELSE created_at + (0.2 + r_sign * 8) * interval '1 hour' END AS dispatched_at
  FROM timed s
), lifecycle AS (
  SELECT l.*,
    dispatched_at + span AS due_at,
    dispatched_at + span * 0.8 AS warn_at,
    dispatched_at + span * (0.02 + r_reply * 0.2) AS signed_at,
    CASE WHEN forced_open THEN NULL ELSE dispatched_at + span * (0.25 + r_reply * 0.9) END AS replied_at
  FROM stamped l
), states AS (
  SELECT x.*,
    x.replied_at + (2 + r_close * 46) * interval '1 hour' AS closed_at_planned,
    CASE
      WHEN outcome = 'direct' THEN 'closed'
      WHEN outcome = 'invalid' THEN 'invalid'
      WHEN outcome = 'merged' THEN 'merged'
      WHEN forced_open THEN CASE WHEN r_close < 0.4 THEN 'dispatched' ELSE 'in_progress' END
      WHEN %(now)s < dispatched_at THEN CASE WHEN r_close < 0.15 THEN 'pending_approval' ELSE 'registered' END
      WHEN %(now)s < signed_at THEN 'dispatched'
      WHEN %(now)s < replied_at THEN 'in_progress'
      WHEN %(now)s < replied_at + (2 + r_close * 46) * interval '1 hour' THEN 'replied'
      ELSE 'closed' END AS state
  FROM lifecycle x
)
INSERT INTO hotline_ticket (
  number, channel, ticket_type, urgency, category_id, title, content, address, area, citizen_id,
  state, state_changed_at, leader_id, lead_unit_id, dispatched_at, sign_due_at, due_at, warn_at, signed_at,
  replied_at, callback_due_at, closed_at, closed_on_time, closed_by_hotline, direct_answer,
  merged_into_id, reopen_count, call_id, created_by_id, created_at, updated_at)
SELECT
  to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYMMDD') || lpad(g::text, 8, '0'),
  channel, ticket_type, urgency,
  (%(leaves)s::bigint[])[1 + floor(r_cat * %(n_leaves)s)::int],
  s.title, s.content,
  'A市A' || (1 + floor(r_area * 9))::int || '区' || (1 + floor(r_pick * 90))::int || '路',
  'A' || (1 + floor(r_area * 9))::int || '区',
  %(cit_min)s + floor(r_cit * (%(cit_max)s - %(cit_min)s + 1))::bigint,
  state,
  created_at,
  CASE WHEN state = 'pending_approval' THEN %(leader)s ELSE NULL END,
  CASE WHEN outcome = 'handled' AND state NOT IN ('registered', 'pending_approval')
       THEN (%(units)s::bigint[])[1 + floor(r_unit * %(n_units)s)::int] END,
  CASE WHEN outcome = 'handled' AND state NOT IN ('registered', 'pending_approval') THEN dispatched_at END,
  CASE WHEN outcome = 'handled' AND state NOT IN ('registered', 'pending_approval')
       THEN dispatched_at + least(span, interval '1.4 days') END,
  CASE WHEN outcome = 'handled' AND state NOT IN ('registered', 'pending_approval') THEN due_at END,
  CASE WHEN outcome = 'handled' AND state NOT IN ('registered', 'pending_approval') THEN warn_at END,
  CASE WHEN state IN ('in_progress', 'replied', 'closed') AND outcome = 'handled' THEN signed_at END,
  CASE WHEN state IN ('replied', 'closed') AND outcome = 'handled' THEN replied_at END,
  CASE WHEN state IN ('replied', 'closed') AND outcome = 'handled' THEN replied_at + interval '1.4 days' END,
  CASE WHEN outcome = 'direct' THEN created_at + interval '6 minutes'
       WHEN outcome IN ('invalid', 'merged') THEN created_at + interval '2 hours'
       WHEN state = 'closed' THEN closed_at_planned END,
  CASE WHEN outcome = 'direct' THEN true WHEN state = 'closed' THEN replied_at <= due_at END,
  outcome = 'direct',
  CASE WHEN outcome = 'direct' THEN '已向市民解答相关政策。' ELSE '' END,
  NULL, 0, '', NULL, created_at, created_at
FROM states
JOIN bench_sample s ON s.i = 1 + floor(r_pick * %(n_samples)s)::int
"""

ASSIGNMENT_SQL = """
INSERT INTO dispatch_assignment (ticket_id, unit_id, role, state, round, is_current, assigned_by_id,
                                 assigned_at, signed_at, signed_by_id, replied_at, note, review_note)
SELECT id, lead_unit_id, 'lead',
       CASE state WHEN 'dispatched' THEN 'pending' WHEN 'in_progress' THEN 'signed' ELSE 'replied' END,
       CASE WHEN id %% 50 IN (3, 4) THEN 2 ELSE 1 END, true, NULL, dispatched_at, signed_at, NULL, replied_at, '', ''
FROM hotline_ticket WHERE id > %(after)s AND lead_unit_id IS NOT NULL
"""

# The parts other units have: a co-unit on 6% of dispatched tickets, and on 4% a first round
# that another unit returned before the lead unit got it. Each unit sees these tickets too,
# so a year of them is what its lists look up besides the tickets it leads.
SIDE_ASSIGNMENT_SQL = """
INSERT INTO dispatch_assignment (ticket_id, unit_id, role, state, round, is_current, assigned_by_id,
                                 assigned_at, signed_at, signed_by_id, replied_at, note, review_note)
SELECT id, other_unit, CASE WHEN co THEN 'co' ELSE 'lead' END,
       CASE WHEN NOT co THEN 'returned' WHEN state = 'dispatched' THEN 'pending'
            WHEN state = 'in_progress' THEN 'signed' ELSE 'replied' END,
       1, co, NULL,
       CASE WHEN co THEN dispatched_at ELSE dispatched_at - interval '1 day' END,
       CASE WHEN co THEN signed_at END, NULL, CASE WHEN co THEN replied_at END, '', ''
FROM (
  SELECT *, id %% 50 < 3 AS co,
         (%(units)s::bigint[])[1 + (id / 50) %% %(n_units)s] AS other_unit
  FROM hotline_ticket WHERE id > %(after)s AND lead_unit_id IS NOT NULL AND id %% 50 < 5
) AS t
WHERE other_unit <> lead_unit_id
"""

# The light notices still owed: each ticket in hand was notified for the light it has now.
LIGHT_TIMER_SQL = """
INSERT INTO dispatch_lighttimer (ticket_id, light, fires_at)
SELECT id, 'yellow', warn_at FROM hotline_ticket
WHERE id > %(after)s AND state IN ('dispatched', 'in_progress') AND warn_at > %(now)s
UNION ALL
SELECT id, 'red', due_at FROM hotline_ticket
WHERE id > %(after)s AND state IN ('dispatched', 'in_progress') AND due_at >= %(now)s
"""

SURVEY_SQL = """
INSERT INTO dispatch_survey (ticket_id, method, state, result, resolved, comment, recorded_by_id,
                             created_at, due_at, sent_at, answered_at)
SELECT id, CASE WHEN id %% 5 = 0 THEN 'phone' ELSE 'sms' END,
       CASE state WHEN 'replied' THEN 'pending' ELSE 'answered' END,
       CASE WHEN state = 'replied' THEN ''
            WHEN id %% 100 < 85 THEN 'satisfied' WHEN id %% 100 < 96 THEN 'basic' ELSE 'dissatisfied' END,
       CASE WHEN state = 'replied' THEN NULL ELSE id %% 100 < 90 END,
       '', NULL, replied_at, callback_due_at, replied_at + interval '1 hour',
       CASE WHEN state = 'closed' THEN closed_at END
FROM hotline_ticket
WHERE id > %(after)s AND replied_at IS NOT NULL AND state IN ('replied', 'closed')
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--open-share", type=float, default=0.0,
                        help="share of tickets forced into dispatched/in-progress (0..1)")
    parser.add_argument("--citizens", type=int, default=0, help="default: a third of --tickets")
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--truncate", action="store_true", help="remove existing tickets first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://…")

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    unit_ids, leaves, leader_id = ensure_reference_data()
    with connection.cursor() as cursor:
        if args.truncate:
            log("truncating tickets, assignments, surveys, events")
            cursor.execute("TRUNCATE hotline_ticket, hotline_ticketevent, dispatch_assignment, dispatch_survey, "
                           "dispatch_instruction, dispatch_reply, dispatch_extensionrequest, dispatch_ticketreturn, "
                           "dispatch_lighttimer "
                           "RESTART IDENTITY CASCADE")
        n_samples = load_samples(cursor)
        cursor.execute("SELECT count(*) FROM hotline_citizen")
        have = cursor.fetchone()[0]
        want = args.citizens or max(args.tickets // 3, 1)
        if have < want:
            log(f"citizens: adding {want - have:,}")
            generate_citizens(cursor, want - have, offset=have + 1)
        cursor.execute("SELECT min(id), max(id) FROM hotline_citizen")
        cit_min, cit_max = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM hotline_ticket")
        after = cursor.fetchone()[0]

        indexes = secondary_indexes(cursor)
        log(f"dropping {len(indexes)} secondary indexes for the load")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        # Rows are consistent by construction; skip per-row FK trigger checks during the load.
        cursor.execute("SET session_replication_role = replica")
        now = django.utils.timezone.now()
        done = 0
        while done < args.tickets:
            size = min(args.batch, args.tickets - done)
            start = after + done + 1
            t0 = time.monotonic()
            with transaction.atomic():
                cursor.execute(TICKET_SQL, {
                    "now": now, "days": args.days, "start": start, "stop": start + size - 1,
                    "open_share": args.open_share, "leaves": leaves, "n_leaves": len(leaves),
                    "units": unit_ids, "n_units": len(unit_ids), "leader": leader_id,
                    "cit_min": cit_min, "cit_max": cit_max, "n_samples": n_samples,
                })
            done += size
            log(f"tickets: {done:,}/{args.tickets:,} ({size / (time.monotonic() - t0):,.0f} rows/s)")
        log("assignments, light timers and surveys")
        cursor.execute(ASSIGNMENT_SQL, {"after": after})
        cursor.execute(SIDE_ASSIGNMENT_SQL, {"after": after, "units": unit_ids, "n_units": len(unit_ids)})
        cursor.execute(LIGHT_TIMER_SQL, {"after": after, "now": now})
        cursor.execute(SURVEY_SQL, {"after": after})
        cursor.execute("SET session_replication_role = DEFAULT")
        for name, definition in indexes:
            t0 = time.monotonic()
            cursor.execute(definition)
            log(f"index {name}: {time.monotonic() - t0:.1f}s")
        for table in (*TABLES, "hotline_citizen"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT state, count(*) FROM hotline_ticket GROUP BY state ORDER BY 2 DESC")
        states = cursor.fetchall()
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('hotline_ticket'))")
        size = cursor.fetchone()[0]
    log(f"done in {time.monotonic() - started:.0f}s; hotline_ticket {size}; "
        + ", ".join(f"{s} {n:,}" for s, n in states))


if __name__ == "__main__":
    main()
