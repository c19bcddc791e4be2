"""The light sweep's PostgreSQL path: claim, events and 督办通知书 in one statement per batch.

Same rule and same rows as the portable path in dispatch.timers (which SQLite uses), but
data-modifying CTEs keep the claimed rows inside PostgreSQL: no round trip of thousands of
rows through Python, which is most of the cost when many tickets change light at once.
tests/dispatch/test_integration_celery.py checks its events and notices field by field.
"""
import datetime as dt

from django.db import connection

from hotline.models import Light, Ticket, TicketEvent, Unit

from .models import SupervisionNotice


def _name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# due_at rendered like Python's datetime.isoformat() of a UTC datetime.
ISO_DUE = ("to_char(c.due_at AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', c.due_at) = c.due_at "
           "THEN 'YYYY-MM-DD\"T\"HH24:MI:SS' ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US' END) || '+00:00'")


def claim_and_record(*, candidates_sql: str, candidates_params, light: str, kind: str, note: str,
                     actor_label: str, demand: str, now: dt.datetime) -> list[tuple[int, int]]:
    """Claim the candidate tickets for `light`, write their events (and notices on red);
    returns [(ticket_id, event_id)]."""
    notices = ""
    notice_params: list = []
    if light == Light.RED:
        notices = f""", notices AS (
            INSERT INTO {_name(SupervisionNotice)} (ticket_id, event_id, unit_id, unit_name, ticket_number,
                ticket_title, due_at, days_overdue, demand, issued_by, created_at, file)
            SELECT c.id, e.id, c.lead_unit_id, coalesce(u.name, ''), c.number, c.title, c.due_at,
                   greatest(0, ceil(extract(epoch FROM (%s::timestamptz - c.due_at)) / 86400))::int,
                   %s, %s, %s, ''
            FROM events e JOIN claimed c ON c.id = e.ticket_id LEFT JOIN {_name(Unit)} u ON u.id = c.lead_unit_id
        )"""
        notice_params = [now, demand, actor_label, now]
    sql = f"""
        WITH claimed AS (
            UPDATE {_name(Ticket)} SET light_notified = %s WHERE id IN ({candidates_sql})
            RETURNING id, lead_unit_id, due_at, number, title
        ), events AS (
            INSERT INTO {_name(TicketEvent)} (ticket_id, kind, actor_id, actor_label, from_state, to_state,
                                              payload, created_at)
            SELECT c.id, %s, NULL, %s, '', '',
                   jsonb_build_object('note', %s::text, 'unit', coalesce(u.name, ''), 'unit_id', c.lead_unit_id,
                                      'light', %s::text, 'due_at', {ISO_DUE}, 'auto', true),
                   %s
            FROM claimed c LEFT JOIN {_name(Unit)} u ON u.id = c.lead_unit_id
            RETURNING id, ticket_id
        ){notices}
        SELECT ticket_id, id FROM events ORDER BY id"""
    params = [light, *candidates_params, kind, actor_label, note, light, now, *notice_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
