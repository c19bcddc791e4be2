"""The assessment's event rollup (`EventDailyStat`), set-based and incremental like
reports.rollup: a dirty day is DELETEd and rebuilt with one INSERT … SELECT … GROUP BY.

Dirty days: the local days of events written since the last refresh (5-minute overlap for late
commits), the registration days of their tickets (a praise ticket's lead unit is set when it is
dispatched), and today. Every count is driven by a timeline event, so that is all that can move."""
import datetime as dt
import time

from django.db import connection, transaction
from django.utils import timezone

from reports.models import RollupState
from reports.rollup import _as_date, _db_time, _runs, all_days, day_sql, day_start, local_tz, month_chunks

from .models import EventDailyStat

OVERLAP = dt.timedelta(minutes=5)
STATE_NAME = "assessment_events"

# Timeline kinds counted, and the count each adds to. The unit is the ticket's lead unit when it
# happened: its newest lead part assigned at or before the event (a reopen clears the ticket's lead
# unit, so the ticket row cannot say it).
EVENT_COUNTS = {
    "return": "returns",  # the centre accepted the unit's 退单
    "callback_dissatisfied": "reopens",  # 不满意重办
    "review_send_back": "reopens",  # 办结审核退回重办
    "extension_approved": "extensions",
    "supervise": "supervised",
}


# 申诉成立 (issue 18 item 2): a dissatisfied rating the centre struck out (dispatch Survey.appeal_upheld)
# leaves the unit's score, its 不满意重办 too: the reopen whose latest survey answered at or before
# it is an upheld one is not counted.
UPHELD_REOPEN = """e.kind = 'callback_dissatisfied' AND EXISTS (
    SELECT 1 FROM dispatch_survey s WHERE s.ticket_id = e.ticket_id AND s.appeal_upheld
        AND s.answered_at <= e.created_at AND NOT EXISTS (
            SELECT 1 FROM dispatch_survey s2 WHERE s2.ticket_id = e.ticket_id
                AND s2.answered_at > s.answered_at AND s2.answered_at <= e.created_at))"""
# A ruling (appeal_upheld) changes the count of the day its reopen happened: that day is dirty too.
RULED_REOPEN_DAYS = """SELECT DISTINCT {day} FROM hotline_ticketevent r
    JOIN hotline_ticketevent e ON e.ticket_id = r.ticket_id AND e.kind = 'callback_dissatisfied'
    WHERE r.kind = 'appeal_upheld' AND r.created_at >= %s"""


def insert_sql() -> str:
    event_day = day_sql("e.created_at")
    unit_then = ("(SELECT a.unit_id FROM dispatch_assignment a WHERE a.ticket_id = e.ticket_id AND a.role = 'lead'"
                 " AND a.assigned_at <= e.created_at ORDER BY a.assigned_at DESC, a.id DESC LIMIT 1)")
    sums = ",\n        ".join(
        f"SUM(CASE WHEN kind IN ({', '.join(repr(k) for k, c in EVENT_COUNTS.items() if c == name)}) "
        f"THEN 1 ELSE 0 END)" for name in ("returns", "reopens", "extensions", "supervised"))
    kinds = ", ".join(repr(k) for k in EVENT_COUNTS)
    return f"""
    INSERT INTO assessment_eventdailystat
        (day, unit_id, lead_dispatched, returns, reopens, extensions, supervised, praised)
    SELECT day, unit_id, SUM(lead_dispatched), SUM(returns), SUM(reopens), SUM(extensions),
        SUM(supervised), SUM(praised) FROM (
        SELECT {day_sql('a.assigned_at')} AS day, a.unit_id AS unit_id, COUNT(*) AS lead_dispatched,
            0 AS returns, 0 AS reopens, 0 AS extensions, 0 AS supervised, 0 AS praised
        FROM dispatch_assignment a
        WHERE a.role = 'lead' AND a.assigned_at >= %s AND a.assigned_at < %s
        GROUP BY 1, 2
        UNION ALL
        SELECT day, unit_id, 0,
        {sums},
        0
        FROM (SELECT {event_day} AS day, {unit_then} AS unit_id, e.kind AS kind
              FROM hotline_ticketevent e
              WHERE e.kind IN ({kinds}) AND e.created_at >= %s AND e.created_at < %s
                  AND NOT ({UPHELD_REOPEN})) ev
        WHERE unit_id IS NOT NULL
        GROUP BY 1, 2
        UNION ALL
        SELECT {day_sql('t.created_at')}, t.lead_unit_id, 0, 0, 0, 0, 0, COUNT(*)
        FROM hotline_ticket t
        WHERE t.ticket_type = 'praise' AND t.lead_unit_id IS NOT NULL
            AND t.created_at >= %s AND t.created_at < %s
        GROUP BY 1, 2
    ) counted GROUP BY day, unit_id
    """


def rebuild_range(first: dt.date, last: dt.date) -> None:
    lo, hi = _db_time(day_start(first)), _db_time(day_start(last + dt.timedelta(days=1)))
    with transaction.atomic(), connection.cursor() as cursor:
        EventDailyStat.objects.filter(day__gte=first, day__lte=last).delete()
        cursor.execute(insert_sql(), [lo, hi, lo, hi, lo, hi])


def dirty_days(since: dt.datetime, now: dt.datetime) -> list[dt.date]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {day_sql('e.created_at')}, {day_sql('t.created_at')} FROM hotline_ticketevent e "
            f"JOIN hotline_ticket t ON t.id = e.ticket_id WHERE e.created_at >= %s", [_db_time(since)])
        days = {_as_date(day) for row in cursor.fetchall() for day in row}
        cursor.execute(RULED_REOPEN_DAYS.format(day=day_sql("e.created_at")), [_db_time(since)])
        days |= {_as_date(row[0]) for row in cursor.fetchall()}
    days.add(timezone.localtime(now, local_tz()).date())
    return sorted(days)


def refresh(*, full: bool = False, now: dt.datetime | None = None) -> RollupState:
    """Bring EventDailyStat up to date; concurrent callers are serialised by a row lock."""
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        RollupState.objects.get_or_create(name=STATE_NAME)
        state = RollupState.objects.select_for_update().get(name=STATE_NAME)
        if full or state.watermark is None:
            EventDailyStat.objects.all().delete()
            bounds = all_days()
            runs = list(month_chunks(bounds[0], max(bounds[1], timezone.localtime(now, local_tz()).date()))) \
                if bounds else []
        else:
            runs = _runs(dirty_days(state.watermark - OVERLAP, now))
        for first, last in runs:
            rebuild_range(first, last)
        state.watermark = now
        state.refreshed_at = timezone.now()
        state.days_refreshed = sum((last - first).days + 1 for first, last in runs)
        state.duration_ms = int((time.monotonic() - started) * 1000)
        state.save()
    return state
