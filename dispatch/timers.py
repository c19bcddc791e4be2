"""The timers' services: traffic-light notices, reminders and survey SMS.

Each is one set-based statement that *claims* what it acts on — deleting the due
LightTimer rows (light notices), a conditional UPDATE … RETURNING (surveys) or an
INSERT … ON CONFLICT DO NOTHING RETURNING (reminders) — so two overlapping runs
never claim the same row and a re-run finds nothing new. The
events they write go through hotline.events with durable delivery: into the outbox
(hotline.outbox) in the same transaction, which delivers them to the notify subscribers
(push, SMS) after commit, so a process killed in between loses nothing (at-least-once).
"""
import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hotline.events import SYSTEM, new_event, published, save_events
from hotline.models import Light, Ticket, TicketState, Unit

from .deadlines import light_q
from .models import LightTimer, SupervisionNotice, Survey, TimerReminder

# Light → the event its notice writes.
LIGHT_NOTICES = {Light.YELLOW: "urge", Light.RED: "supervise"}
AUTO_NOTES = {
    "urge": "工单即将到期，请抓紧办理并按时回复（系统自动催办）",
    "supervise": "工单已超过办理时限，请立即办理并回复（系统自动督办）",
}
# Reminders look back this far only: older deadlines were reminded about long ago
# (or the ticket is on the red list anyway), and the window keeps each run cheap.
REMINDER_LOOKBACK = dt.timedelta(days=1)
REMINDERS = [
    # kind, the deadline column, the state in which it is still pending
    (TimerReminder.Kind.SIGN_OVERDUE, "sign_due_at", TicketState.DISPATCHED),
    (TimerReminder.Kind.CALLBACK_DUE, "callback_due_at", TicketState.REPLIED),
]
CLAIM_BATCH = 5000


@dataclass
class SweepResult:
    urged: list[int] = field(default_factory=list)  # ticket ids
    supervised: list[int] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)


def _update_returning(model, set_sql: str, set_params: list, queryset, returning: str) -> list[tuple]:
    """UPDATE model SET … WHERE id IN (queryset) RETURNING …: the ORM's query, raw UPDATE."""
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {set_sql} WHERE id IN ({sql}) RETURNING {returning}",
                       [*set_params, *params])
        return cursor.fetchall()


def schedule_light_timers(*, ticket: Ticket, now: dt.datetime, only_future: bool = False) -> None:
    """Owe `ticket` its urge at warn_at and its supervision after due_at, replacing what it was owed.
    On dispatch every notice is owed, even one already due (a ticket dispatched with hours left
    is urged at the next sweep); `only_future` (a moved deadline) owes only the lights the ticket
    has not reached yet, so an extension that leaves it yellow does not urge it twice."""
    LightTimer.objects.filter(ticket_id=ticket.pk).delete()
    timers = [(LightTimer.Kind.YELLOW, ticket.warn_at), (LightTimer.Kind.RED, ticket.due_at)]
    LightTimer.objects.bulk_create([
        LightTimer(ticket_id=ticket.pk, light=light, fires_at=at)
        for light, at in timers if at is not None and not (only_future and at <= now)
    ])


def _claim_light(light: str, now: dt.datetime, batch: int = CLAIM_BATCH) -> list[tuple]:
    """Portable path: take the timers of `light` that came due (deleting them) and return the
    tickets that are `light` now as (id, lead_unit_id, due_at, number, title). A due timer whose
    ticket left the units' hands (replied, returned) is dropped without a notice."""
    claimed: list[tuple] = []
    while True:
        due = list(_due_timers(light, now, batch).values_list("id", "ticket_id"))
        LightTimer.objects.filter(pk__in=[timer_id for timer_id, _ in due]).delete()
        rows = list(Ticket.objects.filter(light_q(light, now), pk__in=[tid for _, tid in due])
                    .order_by("pk").values_list("id", "lead_unit_id", "due_at", "number", "title"))
        if light == Light.RED:  # red first: a ticket that skipped yellow is not urged afterwards
            LightTimer.objects.filter(ticket_id__in=[row[0] for row in rows], light=Light.YELLOW).delete()
        claimed += rows
        if len(due) < batch:
            return claimed


def _due_timers(light: str, now: dt.datetime, batch: int):
    """The timers of `light` that came due, oldest first, skipping rows another sweep holds.
    Red is strictly after due_at and yellow from warn_at on: the rule of light_q."""
    due = Q(fires_at__lt=now) if light == Light.RED else Q(fires_at__lte=now)
    return (LightTimer.objects.filter(due, light=light).order_by("fires_at")
            .select_for_update(skip_locked=True)[:batch])


def days_overdue(due_at: dt.datetime | None, now: dt.datetime) -> int:
    if due_at is None or now <= due_at:
        return 0
    return math.ceil((now - due_at).total_seconds() / 86400)


def notice_demand(note: str = "") -> str:
    demand = settings.HOTLINE_SUPERVISION_DEMAND
    return f"{note}\n{demand}" if note else demand


def _as_datetime(value) -> dt.datetime | None:
    """Raw RETURNING on SQLite hands back naive UTC datetimes (or text); PostgreSQL aware ones."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    return parsed if parsed is None or timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)


def _db_datetime(value: dt.datetime):
    """A datetime as raw SQL wants it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def _light_events(kind: str, rows: list[tuple], now: dt.datetime) -> list:
    rows = [(tid, unit_id, _as_datetime(due_at), number, title) for tid, unit_id, due_at, number, title in rows]
    unit_names = dict(Unit.objects.filter(pk__in={r[1] for r in rows if r[1]}).values_list("pk", "name"))
    light = Light.YELLOW if kind == "urge" else Light.RED
    events = save_events([
        new_event(ticket_id=tid, kind=kind, actor_label=SYSTEM,
                  payload={"note": AUTO_NOTES[kind], "unit": unit_names.get(unit_id, ""), "unit_id": unit_id,
                           "light": light, "due_at": due_at.isoformat() if due_at else None, "auto": True})
        for tid, unit_id, due_at, _number, _title in rows
    ], durable=True)
    if kind == "supervise":
        SupervisionNotice.objects.bulk_create([
            SupervisionNotice(
                ticket_id=tid, event_id=event.pk, unit_id=unit_id, unit_name=unit_names.get(unit_id, ""),
                ticket_number=number, ticket_title=title, due_at=due_at,
                days_overdue=days_overdue(due_at, now), demand=notice_demand(), issued_by=SYSTEM,
            )
            for (tid, unit_id, due_at, number, title), event in zip(rows, events, strict=True)
        ])
    return events


@transaction.atomic
def sweep_lights(*, now: dt.datetime | None = None) -> SweepResult:
    """Urge notices for tickets that turned yellow, supervision notices (+ 督办通知书) for red,
    exactly once per change. Red first: a ticket that skipped yellow gets only the red notice."""
    now = now or timezone.now()
    result = SweepResult()
    event_ids: list[int] = []
    for light, claimed in ((Light.RED, result.supervised), (Light.YELLOW, result.urged)):
        kind = LIGHT_NOTICES[light]
        if connection.vendor == "postgresql":
            pairs = _claim_and_record_pg(light, kind, now)
        else:
            rows = _claim_light(light, now)
            pairs = [(row[0], event.pk) for row, event in zip(rows, _light_events(kind, rows, now), strict=True)]
        claimed += [ticket_id for ticket_id, _ in pairs]
        event_ids += [event_id for _, event_id in pairs]
    result.event_ids = event_ids
    return result


def _claim_and_record_pg(light: str, kind: str, now: dt.datetime, batch: int = CLAIM_BATCH) -> list[tuple]:
    from .timers_pg import claim_and_record

    pairs: list[tuple] = []
    while True:
        sql, params = _due_timers(light, now, batch).values("id").query.sql_with_params()
        fired, got = claim_and_record(due_sql=sql, due_params=params, light=light, kind=kind,
                                      note=AUTO_NOTES[kind], actor_label=SYSTEM, demand=notice_demand(), now=now)
        published([event_id for _, event_id in got], durable=True)
        pairs += got
        if fired < batch:
            return pairs


@transaction.atomic
def remind_overdue(*, now: dt.datetime | None = None) -> list[int]:
    """One reminder per ticket and deadline when signing (签收) or the callback (回访) is overdue."""
    now = now or timezone.now()
    reminder_table = connection.ops.quote_name(TimerReminder._meta.db_table)
    ticket_table = connection.ops.quote_name(Ticket._meta.db_table)
    events = []
    for kind, column, state in REMINDERS:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {reminder_table} (ticket_id, kind, due_at, created_at) "
                f"SELECT id, %s, {column}, %s FROM {ticket_table} "
                f"WHERE state IN (%s) AND {column} < %s AND {column} >= %s "
                f"ON CONFLICT (ticket_id, kind, due_at) DO NOTHING RETURNING ticket_id, due_at",
                [kind, _db_datetime(now), state, _db_datetime(now), _db_datetime(now - REMINDER_LOOKBACK)],
            )
            rows = cursor.fetchall()
        label = TimerReminder.Kind(kind).label
        events += [
            new_event(ticket_id=tid, kind=kind, actor_label=SYSTEM,
                      payload={"note": str(label), "due_at": _as_datetime(due_at).isoformat()})
            for tid, due_at in rows
        ]
    return [event.pk for event in save_events(events, durable=True)]


@transaction.atomic
def send_due_surveys(*, now: dt.datetime | None = None) -> list[int]:
    """Mark SMS surveys whose delay after the reply has passed as sent (once: sent_at is the claim)
    and record `survey_sent` on the ticket; the SMS gateway's subscriber texts the citizen."""
    now = now or timezone.now()
    delay = dt.timedelta(minutes=settings.HOTLINE_SURVEY_DELAY_MINUTES)
    due = (
        Survey.objects.filter(state=Survey.State.PENDING, method=Survey.Method.SMS, sent_at__isnull=True,
                              created_at__lte=now - delay)
        .select_for_update(skip_locked=True).values("id")
    )
    rows = _update_returning(Survey, "sent_at = %s", [_db_datetime(now)], due, "id, ticket_id")
    events = [
        new_event(ticket_id=tid, kind="survey_sent", actor_label=SYSTEM,
                  payload={"survey_id": sid, "method": Survey.Method.SMS})
        for sid, tid in rows
    ]
    return [event.pk for event in save_events(events, durable=True)]
