"""Refreshing the daily rollup (`DailyStat`) with set-based SQL.

A day's rows are always rebuilt whole: DELETE the day, then one INSERT … SELECT
… GROUP BY over the tickets registered that day. A refresh rebuilds only the
dirty days:
- days of tickets that have an event since the last refresh (minus an overlap,
  because transactions commit out of order);
- days of open tickets whose deadline passed since then (they become "due");
- today.
The first refresh (or `full=True`) rebuilds everything, a month at a time.
"""
import datetime as dt
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hotline.models import TicketState
from hotline.models.tickets import FINAL_STATES, HANDLING_STATES

from .models import COUNT_FIELDS, ROLLUPS, DailyPartStat, DailyStat, RollupState

OVERLAP = dt.timedelta(minutes=5)
STATE_NAME = "daily"


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz())


def day_sql(column: str) -> str:
    """SQL for the local calendar day of a timestamp column."""
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE '{settings.TIME_ZONE}')::date"
    # SQLite stores UTC text; the zone has had a fixed offset since 1991.
    offset = dt.datetime.now(local_tz()).utcoffset()
    hours = int(offset.total_seconds() // 3600)
    return f"date({column}, '{hours:+d} hours')"


def _in(values) -> str:
    return ", ".join("%s" for _ in values)


def _states(states) -> list[str]:
    return sorted(str(s) for s in states)


# 挂起 (issue 16, item 4): a suspended ticket's clock stands still, so it is not due (overdue)
# while suspended, whatever its deadline says; it counts again once it resumes.
NOT_RUNNING_STATES = FINAL_STATES | {TicketState.SUSPENDED}


def insert_sql() -> tuple[str, list[str], list[str]]:
    """The statement, and the states it is given twice: (not running, for 应办结; final, for 未办结).

    Upheld appeals (issue 18 item 2, docs/APPEALS.md) are read from flags on the core rows, so the
    rollup never joins the appeals table: a ticket whose overdue was excused (`overdue_excused`) is
    not 应办结 while open past its deadline and counts 按时办结 once closed; a survey answer whose
    dissatisfied appeal was upheld (`appeal_upheld`) is no valid callback."""
    final = _states(FINAL_STATES)
    not_running = _states(NOT_RUNNING_STATES)
    day = day_sql("t.created_at")
    return f"""
    INSERT INTO reports_dailystat (
        day, unit_id, channel, ticket_type, category_id, cat1_id, cat2_id,
        received, direct_answered, dispatched, closed, due, closed_on_time, signed_on_time,
        callback_due, called_back, valid_callbacks, satisfied, resolved, open_now,
        suspensions, suspended_now, reviewed, sent_back)
    SELECT {day}, t.lead_unit_id, t.channel, t.ticket_type, t.category_id,
        CASE c.level WHEN 1 THEN c.id WHEN 2 THEN c.parent_id WHEN 3 THEN p.parent_id END,
        CASE c.level WHEN 2 THEN c.id WHEN 3 THEN c.parent_id END,
        COUNT(*),
        SUM(CASE WHEN t.closed_by_hotline THEN 1 ELSE 0 END),
        SUM(CASE WHEN t.dispatched_at IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN t.dispatched_at IS NOT NULL AND t.state = 'closed' THEN 1 ELSE 0 END),
        SUM(CASE WHEN t.dispatched_at IS NOT NULL AND (t.state = 'closed' OR (
                 t.state NOT IN ({_in(not_running)}) AND t.due_at < %s AND NOT t.overdue_excused
                 AND (t.replied_at IS NULL OR t.replied_at > t.due_at))) THEN 1 ELSE 0 END),
        SUM(CASE WHEN t.dispatched_at IS NOT NULL AND t.state = 'closed'
                 AND (t.closed_on_time OR t.overdue_excused) THEN 1 ELSE 0 END),
        SUM(CASE WHEN t.dispatched_at IS NOT NULL AND t.signed_at IS NOT NULL
                 AND t.sign_due_at IS NOT NULL AND t.signed_at <= t.sign_due_at THEN 1 ELSE 0 END),
        SUM(CASE WHEN sv.surveys > 0 THEN 1 ELSE 0 END),
        SUM(CASE WHEN sv.answered_any > 0 THEN 1 ELSE 0 END),
        COALESCE(SUM(sv.answered), 0),
        COALESCE(SUM(sv.satisfied), 0),
        COALESCE(SUM(sv.resolved), 0),
        SUM(CASE WHEN t.state NOT IN ({_in(final)}) THEN 1 ELSE 0 END),
        COALESCE(SUM(sp.suspensions), 0),
        SUM(CASE WHEN t.state = 'suspended' THEN 1 ELSE 0 END),
        COALESCE(SUM(rv.reviewed), 0),
        COALESCE(SUM(rv.sent_back), 0)
    FROM hotline_ticket t
    LEFT JOIN hotline_category c ON c.id = t.category_id
    LEFT JOIN hotline_category p ON p.id = c.parent_id
    LEFT JOIN (
        SELECT s.ticket_id,
            SUM(CASE WHEN s.state <> 'cancelled' THEN 1 ELSE 0 END) AS surveys,
            -- issue 18 item 2 (docs/APPEALS.md): an answer whose appeal the centre upheld is no
            -- valid callback (not in 有效回访, 满意, 解决); the ticket was still called back (回访率).
            SUM(CASE WHEN s.state = 'answered' THEN 1 ELSE 0 END) AS answered_any,
            SUM(CASE WHEN s.state = 'answered' AND NOT s.appeal_upheld THEN 1 ELSE 0 END) AS answered,
            SUM(CASE WHEN s.state = 'answered' AND NOT s.appeal_upheld AND s.result IN ('satisfied', 'basic')
                THEN 1 ELSE 0 END) AS satisfied,
            SUM(CASE WHEN s.state = 'answered' AND NOT s.appeal_upheld AND s.resolved THEN 1 ELSE 0 END)
                AS resolved
        FROM dispatch_survey s JOIN hotline_ticket t2 ON t2.id = s.ticket_id
        WHERE t2.created_at >= %s AND t2.created_at < %s
        GROUP BY s.ticket_id
    ) sv ON sv.ticket_id = t.id
    LEFT JOIN (
        SELECT su.ticket_id, COUNT(*) AS suspensions
        FROM dispatch_suspension su JOIN hotline_ticket t3 ON t3.id = su.ticket_id
        WHERE su.suspended_at IS NOT NULL AND t3.created_at >= %s AND t3.created_at < %s
        GROUP BY su.ticket_id
    ) sp ON sp.ticket_id = t.id
    LEFT JOIN (
        -- 办结审核 (issue 16 item 3): the centre's decisions on each ticket's lead replies
        SELECT r.ticket_id,
            COUNT(*) AS reviewed,
            SUM(CASE WHEN r.review_state = 'sent_back' THEN 1 ELSE 0 END) AS sent_back
        FROM dispatch_reply r JOIN hotline_ticket t3 ON t3.id = r.ticket_id
        WHERE t3.created_at >= %s AND t3.created_at < %s AND r.review_state IN ('approved', 'sent_back')
        GROUP BY r.ticket_id
    ) rv ON rv.ticket_id = t.id
    WHERE t.created_at >= %s AND t.created_at < %s
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    """, not_running, final


def parts_sql() -> str:
    """Issue 16 items 5 and 6: DailyPartStat for tickets registered in a range, set-based. A
    co-unit's part is due once answered, ended unanswered, or open past its own deadline (a part
    dispatched before co-units had one is judged by the ticket's); on time when answered by it."""
    day = day_sql("t.created_at")
    due = "COALESCE(a.due_at, t.due_at)"
    return f"""
    INSERT INTO reports_dailypartstat (day, unit_id, co_parts, co_due, co_on_time, handed_down, sub_parts)
    SELECT day, unit_id, SUM(co_parts), SUM(co_due), SUM(co_on_time), SUM(handed_down), SUM(sub_parts) FROM (
        SELECT {day} AS day, a.unit_id AS unit_id,
            SUM(CASE WHEN a.role = 'co' THEN 1 ELSE 0 END) AS co_parts,
            SUM(CASE WHEN a.role = 'co' AND (a.state IN ('replied', 'closed')
                     OR (a.state IN ('pending', 'signed') AND {due} < %s)) THEN 1 ELSE 0 END) AS co_due,
            SUM(CASE WHEN a.role = 'co' AND a.state = 'replied' AND a.replied_at <= {due} THEN 1 ELSE 0 END)
                AS co_on_time,
            0 AS handed_down,
            SUM(CASE WHEN a.role = 'sub' THEN 1 ELSE 0 END) AS sub_parts
        FROM dispatch_assignment a JOIN hotline_ticket t ON t.id = a.ticket_id
        WHERE t.created_at >= %s AND t.created_at < %s AND a.role IN ('co', 'sub') AND a.state <> 'cancelled'
        GROUP BY 1, 2
        UNION ALL
        SELECT {day}, p.unit_id, 0, 0, 0, COUNT(DISTINCT a.ticket_id), 0
        FROM dispatch_assignment a JOIN dispatch_assignment p ON p.id = a.parent_id
            JOIN hotline_ticket t ON t.id = a.ticket_id
        WHERE t.created_at >= %s AND t.created_at < %s AND a.role = 'sub'
        GROUP BY 1, 2
    ) parts GROUP BY day, unit_id
    """


def derive_sql(model) -> str:
    """Sum a coarser rollup from the finest one (DailyStat), set-based."""
    dims = sorted(model.DIMENSIONS)
    columns = ", ".join(["day", *dims, *COUNT_FIELDS])
    sums = ", ".join(f"SUM({c})" for c in COUNT_FIELDS)
    keys = ", ".join(["day", *dims])
    return (f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {keys}, {sums} "
            f"FROM {DailyStat._meta.db_table} WHERE day >= %s AND day <= %s GROUP BY {keys}")


def rebuild_range(first: dt.date, last: dt.date, now: dt.datetime) -> None:
    """Rebuild the rows of days first..last (inclusive) of every rollup in one transaction."""
    sql, not_running, final = insert_sql()
    lo, hi = _db_time(day_start(first)), _db_time(day_start(last + dt.timedelta(days=1)))
    with transaction.atomic(), connection.cursor() as cursor:
        for model in ROLLUPS:
            model.objects.filter(day__gte=first, day__lte=last).delete()
        cursor.execute(sql, [*not_running, _db_time(now), *final, lo, hi, lo, hi, lo, hi, lo, hi])
        for model in ROLLUPS:
            if model is not DailyStat:
                cursor.execute(derive_sql(model), [first, last])
        # issue 16 items 5 and 6: the co-units' and sub-units' parts
        DailyPartStat.objects.filter(day__gte=first, day__lte=last).delete()
        cursor.execute(parts_sql(), [_db_time(now), lo, hi, lo, hi])


def _db_time(value: dt.datetime):
    """A timestamp as the backend stores it (SQLite: UTC text), for raw SQL parameters."""
    return connection.ops.adapt_datetimefield_value(value)


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Contiguous runs of sorted days: fewer, larger statements."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def dirty_days(since: dt.datetime, now: dt.datetime) -> list[dt.date]:
    handling = _states(HANDLING_STATES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {day_sql('t.created_at')} FROM hotline_ticketevent e "
            f"JOIN hotline_ticket t ON t.id = e.ticket_id WHERE e.created_at >= %s",
            [_db_time(since)],
        )
        days = {_as_date(row[0]) for row in cursor.fetchall()}
        cursor.execute(
            f"SELECT DISTINCT {day_sql('created_at')} FROM hotline_ticket "
            f"WHERE state IN ({_in(handling)}) AND due_at >= %s AND due_at < %s",
            [*handling, _db_time(since), _db_time(now)],
        )
        days |= {_as_date(row[0]) for row in cursor.fetchall()}
    days.add(timezone.localtime(now, local_tz()).date())
    return sorted(days)


def all_days() -> tuple[dt.date, dt.date] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(created_at), MAX(created_at) FROM hotline_ticket")
        first, last = cursor.fetchone()
    if first is None:
        return None
    if isinstance(first, str):  # SQLite
        first, last = dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)
        first, last = first.replace(tzinfo=dt.UTC), last.replace(tzinfo=dt.UTC)
    return timezone.localtime(first, local_tz()).date(), timezone.localtime(last, local_tz()).date()


def month_chunks(first: dt.date, last: dt.date):
    start = first
    while start <= last:
        next_month = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = min(last, next_month - dt.timedelta(days=1))
        yield start, end
        start = end + dt.timedelta(days=1)


def refresh(*, full: bool = False, now: dt.datetime | None = None) -> RollupState:
    """Bring the rollup up to date. Safe to run concurrently with writers; callers that
    may overlap (beat and an on-demand refresh) are serialised by a row lock."""
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        RollupState.objects.get_or_create(name=STATE_NAME)
        state = RollupState.objects.select_for_update().get(name=STATE_NAME)
        runs: list[tuple[dt.date, dt.date]]
        if full or state.watermark is None:
            for model in ROLLUPS:
                model.objects.all().delete()
            DailyPartStat.objects.all().delete()  # issue 16
            bounds = all_days()
            runs = list(month_chunks(*bounds)) if bounds else []
        else:
            runs = _runs(dirty_days(state.watermark - OVERLAP, now))
        for first, last in runs:
            rebuild_range(first, last, now)
        state.watermark = now
        state.refreshed_at = timezone.now()
        state.days_refreshed = sum((last - first).days + 1 for first, last in runs)
        state.duration_ms = int((time.monotonic() - started) * 1000)
        state.save()
    return state


def last_refresh() -> RollupState | None:
    return RollupState.objects.filter(name=STATE_NAME).first()
