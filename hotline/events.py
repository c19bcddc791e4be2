"""The one writer of timeline events (TicketEvent rows), and their way to the subscribers.

Every event is written here: one at a time (`save_event`: record_event and transition), a
batch (`save_events`: the timers, a drain's sms_sent lines) or, on PostgreSQL, inside a larger
statement that already holds the rows it describes (`insert_sql`: a registration's one
statement, the light sweep's claim), whose caller then hands the new ids to `published`.
Once written, events are published (hotline.notify): after commit in this process, or through
the durable outbox (hotline.outbox) when notifications are deferred to a worker or when the
writer asks for `durable` delivery (the timers: a process killed after commit loses nothing).
"""
from typing import TypedDict, Unpack

from django.db import connection

from . import notify
from .models import Ticket, TicketEvent


class EventDetails(TypedDict, total=False):
    """What an event says besides its ticket and kind (record_event, new_event)."""

    actor: object  # a User, or None for the system
    actor_label: str
    from_state: str
    to_state: str
    payload: dict | None


SYSTEM = "系统"


def new_event(*, ticket: Ticket | None = None, ticket_id: int | None = None, kind: str,
              **details: Unpack[EventDetails]) -> TicketEvent:
    """The event, not yet saved. A batch writer that has only ids passes `ticket_id`."""
    if unknown := details.keys() - EventDetails.__annotations__.keys():
        raise TypeError(f"an event has no {', '.join(sorted(unknown))}")
    actor = details.get("actor")
    actor_label = details.get("actor_label") or (str(actor) if actor is not None else "")
    event = TicketEvent(
        kind=kind,
        actor=actor,
        actor_label=actor_label or SYSTEM,
        from_state=details.get("from_state", ""),
        to_state=details.get("to_state", ""),
        payload=details.get("payload") or {},
    )
    if ticket is not None:
        event.ticket = ticket
    else:
        event.ticket_id = ticket_id
    return event


def save_event(event: TicketEvent) -> TicketEvent:
    """Write a new event and publish it once its transaction commits."""
    event.save()
    published([event.pk])
    return event


def save_events(events: list[TicketEvent], *, durable: bool = False) -> list[TicketEvent]:
    """save_event for many new events: one INSERT, published together."""
    TicketEvent.objects.bulk_create(events)
    published([event.pk for event in events], durable=durable)
    return events


def published(event_ids: list[int], *, durable: bool = False) -> list[int]:
    """Publish events written in the current transaction. `durable`: through the outbox, in
    this transaction, whatever settings.HOTLINE_NOTIFY_ASYNC says."""
    if durable and not notify.is_muted():
        from .outbox import enqueue

        return enqueue(event_ids)
    notify.publish_all_after_commit(event_ids)
    return event_ids


def insert_sql(*, columns: tuple[str, ...], source: str) -> str:
    """The SQL that writes events inside a larger statement (a data-modifying CTE's body):
    INSERT of `columns` (TicketEvent field names, in the order `source` yields them) from
    `source` (VALUES … or SELECT …), returning each new event's id and ticket_id."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(TicketEvent._meta.get_field(name).column) for name in columns)
    return (f"INSERT INTO {quote(TicketEvent._meta.db_table)} ({names}) {source} "
            f"RETURNING {quote(TicketEvent._meta.pk.column)} AS id, "
            f"{quote(TicketEvent._meta.get_field('ticket').column)} AS ticket_id")
