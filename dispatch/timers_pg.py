"""The light sweep's PostgreSQL path: claim, events and 督办通知书 in one statement per batch.

Same rule and same rows as the portable path in dispatch.timers (which SQLite uses), but
data-modifying CTEs keep the claimed rows inside PostgreSQL: no round trip of thousands of
rows through Python, which is most of the cost when many tickets change light at once.
The due timers are claimed by deleting them; the tickets are only read.
tests/dispatch/test_integration_celery.py checks its events and notices field by field against
the portable path's.
"""
import datetime as dt
import json

from django.db import connection

from hotline.events import insert_sql
from hotline.models import Light, Ticket, Unit

from .deadlines import light_q
from .models import LightTimer, SupervisionNotice


def _name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# due_at rendered like Python's datetime.isoformat() of a UTC datetime.
ISO_DUE = ("to_char(c.due_at AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', c.due_at) = c.due_at "
           "THEN 'YYYY-MM-DD\"T\"HH24:MI:SS' ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US' END) || '+00:00'")


def _is_light_now(light: str, now: dt.datetime) -> tuple[str, list]:
    """dispatch.deadlines.light_q as SQL over hotline_ticket: the rule every read uses."""
    query = Ticket.objects.filter(light_q(light, now)).query
    return query.where.as_sql(query.get_compiler(connection=connection), connection)


def claim_and_record(*, due_sql: str, due_params, light: str, kind: str, note: str,
                     actor_label: str, demand: str, now: dt.datetime) -> tuple[int, list[tuple[int, int]]]:
    """Claim the due timers of `light` (the ids `due_sql` selects), write the events (and notices on
    red) of those tickets that are `light` now; returns (timers claimed, [(ticket_id, event_id)])."""
    light_sql, light_params = _is_light_now(light, now)
    t = _name(Ticket)  # light_sql names the table, not an alias
    skip_yellow = ""
    if light == Light.RED:  # a ticket that went straight to red is not urged afterwards
        skip_yellow = f""", skipped AS (
            DELETE FROM {_name(LightTimer)} y USING claimed c WHERE y.ticket_id = c.id AND y.light = 'yellow'
        )"""
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
    # The events go through hotline.events.insert_sql, the writer of every event; the ORM path
    # (dispatch.timers._light_events) writes the same rows through save_events.
    events = insert_sql(
        columns=("ticket", "kind", "actor", "actor_label", "from_state", "to_state", "payload", "created_at"),
        source=f"""SELECT c.id, %s, NULL, %s, '', '',
                   jsonb_build_object('note', %s::text, 'unit', coalesce(u.name, ''), 'unit_id', c.lead_unit_id,
                                      'light', %s::text, 'due_at', {ISO_DUE}, 'auto', true),
                   %s
            FROM claimed c LEFT JOIN {_name(Unit)} u ON u.id = c.lead_unit_id""")
    sql = f"""
        WITH fired AS (
            DELETE FROM {_name(LightTimer)} WHERE id IN ({due_sql}) RETURNING ticket_id
        ), claimed AS (
            SELECT {t}.id, {t}.lead_unit_id, {t}.due_at, {t}.number, {t}.title
            FROM {t} JOIN fired ON fired.ticket_id = {t}.id
            WHERE {light_sql}
        ){skip_yellow}, events AS ({events}){notices}
        SELECT (SELECT count(*) FROM fired),
               coalesce((SELECT json_agg(json_build_array(ticket_id, id) ORDER BY id) FROM events), '[]')"""
    params = [*due_params, *light_params, kind, actor_label, note, light, now, *notice_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fired, pairs = cursor.fetchone()
    pairs = json.loads(pairs) if isinstance(pairs, str) else pairs
    return fired, [(ticket_id, event_id) for ticket_id, event_id in pairs]
