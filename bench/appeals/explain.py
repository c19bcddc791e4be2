"""电子监察 at a city's size on PostgreSQL: EXPLAIN ANALYZE of the per-unit counts for one month.

Loads (once, into the database DATABASE_URL names, which must be a scratch database) N tickets over
a year with their lead parts and ~8 timeline events each, a share of them of the kinds 电子监察
counts, then times `appeals.supervision.supervision_counts` for the last month and prints the plan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_h_appeals \\
        .venv/bin/python bench/appeals/explain.py --tickets 1000000
"""
import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from appeals import supervision  # noqa: E402
from hotline.models import Unit  # noqa: E402


def load(tickets: int) -> None:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM hotline_ticket")
        if c.fetchone()[0] >= tickets:
            return
        units = list(Unit.objects.values_list("pk", flat=True))
        for i in range(len(units), 60):
            units.append(Unit.objects.create(name=f"压测单位{i}", code=f"bench-{i}").pk)
        c.execute("CREATE TEMP TABLE bench_units AS SELECT row_number() OVER () - 1 AS i, id "
                  "FROM hotline_unit")
        n_units = len(units)
        c.execute(f"""
            INSERT INTO hotline_ticket (number, channel, ticket_type, urgency, title, content, address, area,
                state, state_changed_at, lead_unit_id, created_at, updated_at, due_at, reopen_count,
                closed_by_hotline, direct_answer, call_id, version, is_confidential, overdue_excused)
            SELECT 'B' || lpad(g::text, 14, '0'), 'phone', 'complaint', 'normal', '压测', '压测', '', '',
                'closed', now(), (SELECT id FROM bench_units WHERE i = g % {n_units}),
                now() - (g % 365) * interval '1 day', now(), now(), 0, false, '', '', 1, false, false
            FROM generate_series(1, {tickets}) g""")
        c.execute("""
            INSERT INTO dispatch_assignment (ticket_id, unit_id, role, state, round, is_current, assigned_at,
                note, review_note)
            SELECT id, lead_unit_id, 'lead', 'replied', 1, true, created_at, '', '' FROM hotline_ticket
            WHERE number LIKE 'B%'""")
        # ~8 events per ticket: register, dispatch, sign, reply, sms_sent×3, callback; 1 in 10 urge,
        # 1 in 30 supervise, 1 in 50 return, 1 in 40 callback_dissatisfied, 1 in 60 extension_approved
        c.execute("""
            INSERT INTO hotline_ticketevent (ticket_id, kind, actor_label, from_state, to_state, payload,
                created_at)
            SELECT t.id, k.kind, 'system', '', '', '{}'::jsonb, t.created_at + k.n * interval '1 hour'
            FROM hotline_ticket t
            CROSS JOIN (VALUES (1, 'register'), (2, 'dispatch'), (3, 'sign'), (4, 'reply'), (5, 'sms_sent'),
                               (6, 'sms_sent'), (7, 'sms_sent'), (8, 'callback_satisfied')) k(n, kind)
            WHERE t.number LIKE 'B%'""")
        for kind, every in (("urge", 10), ("supervise", 30), ("return", 50), ("callback_dissatisfied", 40),
                            ("extension_approved", 60), ("sign_overdue", 25)):
            c.execute(f"""
                INSERT INTO hotline_ticketevent (ticket_id, kind, actor_label, from_state, to_state, payload,
                    created_at)
                SELECT id, %s, 'system', '', '', '{{}}'::jsonb, created_at + interval '30 hours'
                FROM hotline_ticket WHERE number LIKE 'B%%' AND id %% {every} = 0""", [kind])
        c.execute("ANALYZE hotline_ticket; ANALYZE hotline_ticketevent; ANALYZE dispatch_assignment")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.monotonic()
    load(args.tickets)
    print(f"loaded in {time.monotonic() - started:.0f} s")
    first, last = supervision.month_bounds()
    first = (first - dt.timedelta(days=1)).replace(day=1)
    last = supervision.month_bounds(first)[1]
    events = supervision._measured_events(first, last).exclude(measure="").values("held_by", "measure")
    from django.db.models import Count
    qs = events.annotate(n=Count("ticket_id", distinct=True))
    print(qs.explain(analyze=True))
    timings = []
    for _ in range(5):
        t0 = time.monotonic()
        supervision.supervision_counts(first, last)
        timings.append(time.monotonic() - t0)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM hotline_ticket"); tickets = c.fetchone()[0]  # noqa: E702
        c.execute("SELECT count(*) FROM hotline_ticketevent"); events_n = c.fetchone()[0]  # noqa: E702
    print(f"{tickets} tickets, {events_n} events; supervision_counts({first}..{last}): "
          f"median {sorted(timings)[2] * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
