#!/usr/bin/env python
"""Put the centre's new lists of issue 16 into a database bench/generate.py filled, set-based.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/issue16_lists.py

Run after generate.py, before bench/web/pages.py, so that the board, the inbox and the ticket
pages are timed with every list they now read full, not empty:
- replies awaiting the centre's review (办结审核): --reviewing in-progress tickets become
  待审核 with a pending lead reply;
- return requests awaiting review (退单待审): --returns tickets in hand;
- suspensions (挂起): --suspended tickets suspended (light timers dropped) and
  --suspension-requests more awaiting a decision;
- two-level dispatch (二级派单): each generated unit gets two sub-units with a login, and
  --sub-parts tickets in hand are handed down to one of them;
- co-units' own deadlines: every open co part gets one (two days before the lead's).
Each group takes tickets by `id % 20`, so the groups never share a ticket. Idempotent: a second
run first removes what a first one made.
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from hotline.models import Role, Unit, User  # noqa: E402

MARK = "【基准二期】"  # in every text this script writes, so that a re-run can find its rows


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sub_units() -> None:
    """Two sub-units (with a login each) under every generated unit."""
    for parent in Unit.objects.filter(code__startswith="bench-").exclude(code="bench-county"):
        for n in (1, 2):
            unit, _ = Unit.objects.get_or_create(code=f"{parent.code}-sub{n}", defaults={
                "name": f"{parent.name}第{n}所", "kind": "section", "parent": parent})
            User.objects.get_or_create(username=f"bench_sub_{unit.code}",
                                       defaults={"role": Role.UNIT_STAFF, "unit": unit})


def undo(cursor) -> None:
    cursor.execute("DELETE FROM dispatch_assignment WHERE role = 'sub' AND note LIKE %s", [MARK + "%"])
    cursor.execute("DELETE FROM dispatch_ticketreturn WHERE reason LIKE %s", [MARK + "%"])
    cursor.execute("UPDATE hotline_ticket SET state = 'in_progress' WHERE id IN "
                   "(SELECT ticket_id FROM dispatch_suspension WHERE reason LIKE %s AND state = 'active')",
                   [MARK + "%"])
    cursor.execute("DELETE FROM dispatch_suspension WHERE reason LIKE %s", [MARK + "%"])
    cursor.execute("UPDATE hotline_ticket SET state = 'in_progress', replied_at = NULL WHERE id IN "
                   "(SELECT ticket_id FROM dispatch_reply WHERE text LIKE %s)", [MARK + "%"])
    cursor.execute("UPDATE dispatch_assignment SET state = 'signed', replied_at = NULL, ended_at = NULL "
                   "WHERE id IN (SELECT assignment_id FROM dispatch_reply WHERE text LIKE %s)", [MARK + "%"])
    cursor.execute("DELETE FROM dispatch_reply WHERE text LIKE %s", [MARK + "%"])


def picked(bucket: int, limit: int, states=("in_progress",)) -> str:
    """A subquery: up to `limit` tickets of `states` in bucket `id % 20 = bucket`, with their lead part."""
    state_list = ", ".join(f"'{s}'" for s in states)
    return f"""
        SELECT t.id AS ticket_id, a.id AS assignment_id, a.unit_id, t.due_at,
               (SELECT u.id FROM hotline_user u WHERE u.unit_id = a.unit_id ORDER BY u.id LIMIT 1) AS staff_id
        FROM hotline_ticket t JOIN dispatch_assignment a
             ON a.ticket_id = t.id AND a.is_current AND a.role = 'lead' AND a.unit_id = t.lead_unit_id
        WHERE t.state IN ({state_list}) AND t.id %% 20 = {bucket} AND t.due_at IS NOT NULL
        ORDER BY t.id DESC LIMIT {int(limit)}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewing", type=int, default=2000)
    parser.add_argument("--returns", type=int, default=1500)
    parser.add_argument("--suspended", type=int, default=1000)
    parser.add_argument("--suspension-requests", type=int, default=500)
    parser.add_argument("--sub-parts", type=int, default=3000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/issue16_lists.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    started = time.monotonic()
    sub_units()
    supervisor = User.objects.filter(role=Role.SUPERVISOR).values_list("pk", flat=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        undo(cursor)
        log("办结审核: replies awaiting review")
        cursor.execute(f"""
            WITH p AS ({picked(1, args.reviewing)}),
            r AS (INSERT INTO dispatch_reply (ticket_id, assignment_id, unit_id, author_id, text, is_lead,
                                              created_at, review_state, review_note)
                  SELECT ticket_id, assignment_id, unit_id, staff_id,
                         %s || '已联系诉求人并到现场核实，已督促责任方整改完毕，复查合格。', true,
                         now() - interval '3 hours', 'pending', ''
                  FROM p WHERE staff_id IS NOT NULL RETURNING ticket_id, assignment_id),
            a AS (UPDATE dispatch_assignment SET state = 'replied', replied_at = now() - interval '3 hours',
                         ended_at = now() - interval '3 hours' WHERE id IN (SELECT assignment_id FROM r))
            UPDATE hotline_ticket SET state = 'reviewing', replied_at = now() - interval '3 hours',
                   state_changed_at = now() - interval '3 hours' WHERE id IN (SELECT ticket_id FROM r)""", [MARK])
        log(f"  {cursor.rowcount:,} tickets 待审核")
        cursor.execute(f"""
            INSERT INTO dispatch_ticketreturn (ticket_id, assignment_id, unit_id, returned_by_id, state, reason_code,
                                               reason, created_at, review_due_at, decision_note)
            SELECT ticket_id, assignment_id, unit_id, staff_id, 'pending', 'not_ours',
                   %s || '该事项属于其他部门职责，建议转交。', now() - interval '5 hours', now() + interval '1 day', ''
            FROM ({picked(2, args.returns, ("dispatched", "in_progress"))}) p WHERE staff_id IS NOT NULL""", [MARK])
        log(f"退单待审: {cursor.rowcount:,} return requests")
        cursor.execute(f"""
            WITH p AS ({picked(3, args.suspended)}),
            s AS (INSERT INTO dispatch_suspension (ticket_id, assignment_id, unit_id, requested_by_id, reason_kind,
                      reason, expected_days, state, created_at, decided_by_id, decided_at, decision_note,
                      suspended_at, resume_by, resumed_how, old_due_at)
                  SELECT ticket_id, assignment_id, unit_id, staff_id, 'citizen_materials',
                         %s || '等待市民补充产权证明材料。', 3, 'active', now() - interval '2 days', %s,
                         now() - interval '1 day', '', now() - interval '1 day', now() + interval '9 days', '', due_at
                  FROM p WHERE staff_id IS NOT NULL RETURNING ticket_id)
            UPDATE hotline_ticket SET state = 'suspended', state_changed_at = now() - interval '1 day'
            WHERE id IN (SELECT ticket_id FROM s)""", [MARK, supervisor])
        log(f"挂起中: {cursor.rowcount:,} tickets suspended")
        cursor.execute("DELETE FROM dispatch_lighttimer WHERE ticket_id IN "
                       "(SELECT id FROM hotline_ticket WHERE state = 'suspended')")
        cursor.execute(f"""
            INSERT INTO dispatch_suspension (ticket_id, assignment_id, unit_id, requested_by_id, reason_kind, reason,
                                             expected_days, state, created_at, decision_note, resumed_how)
            SELECT ticket_id, assignment_id, unit_id, staff_id, 'site_condition',
                   %s || '现场施工条件暂不具备，需待雨季结束。', 5, 'pending', now() - interval '4 hours', '', ''
            FROM ({picked(4, args.suspension_requests)}) p WHERE staff_id IS NOT NULL""", [MARK])
        log(f"挂起待审: {cursor.rowcount:,} requests")
        cursor.execute(f"""
            INSERT INTO dispatch_assignment (ticket_id, unit_id, role, state, round, is_current, assigned_by_id,
                                             assigned_at, parent_id, due_at, warn_at, note, review_note)
            SELECT p.ticket_id, s.id, 'sub', CASE WHEN p.ticket_id %% 2 = 0 THEN 'pending' ELSE 'signed' END, 1, true,
                   p.staff_id, now() - interval '1 day', p.assignment_id, p.due_at - interval '1 day',
                   p.due_at - interval '2 days', %s || '请现场核实后回复', ''
            FROM ({picked(5, args.sub_parts)}) p
            JOIN hotline_unit parent ON parent.id = p.unit_id
            JOIN hotline_unit s ON s.code = parent.code || '-sub' || (1 + p.ticket_id %% 2)::text""", [MARK])
        log(f"二级派单: {cursor.rowcount:,} parts handed down")
        cursor.execute("""
            UPDATE dispatch_assignment a
            SET due_at = t.due_at - interval '2 days', warn_at = t.due_at - interval '3 days'
            FROM hotline_ticket t WHERE t.id = a.ticket_id AND a.role = 'co' AND a.is_current
              AND a.state IN ('pending', 'signed') AND a.due_at IS NULL AND t.due_at IS NOT NULL""")
        log(f"协办时限: {cursor.rowcount:,} open co parts given their own deadline")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hotline_ticket; ANALYZE dispatch_assignment; ANALYZE dispatch_reply; "
                       "ANALYZE dispatch_ticketreturn; ANALYZE dispatch_suspension")
    log(f"done in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
