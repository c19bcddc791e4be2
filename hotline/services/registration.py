"""How a registration's rows are written: on PostgreSQL in one statement (the ticket, its
register event and, when notifications go through the outbox, the outbox row, in one round
trip); elsewhere through the ORM.

Registering is the operators' most frequent write. Through the ORM it was three INSERTs,
each built, compiled and sent on its own (the ticket's save, the event's, the outbox row's);
in one statement ticket_register's CPU on the benchmark machine went from 6.0 to 3.7 ms
(bench/README.md). The values are the ORM's own: every column comes
from the unsaved model instances, through the fields' pre_save (auto_now) and
get_db_prep_save, as the ORM's INSERT takes them, so a field added to Ticket or TicketEvent
is written here with no change; tests/hotline/test_registration_write.py compares the rows
the two paths write. Other databases (SQLite, the embedded default) take the ORM path:
SQLite has no INSERT inside WITH.
"""
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

from .. import notify
from ..models import Ticket, TicketEvent
from ..workflow import save_event

LINK = TicketEvent._meta.get_field("ticket")


@cache
def _fields(model, *, skip: str = "") -> tuple:
    """The fields an INSERT of `model` writes, as the ORM's: every concrete one but the key."""
    fields = tuple(f for f in model._meta.local_concrete_fields if not f.primary_key and f.attname != skip)
    for field in fields:
        if field.has_db_default() and not field.has_default():
            # The ORM writes DEFAULT for such a field; this statement binds every value.
            raise ImproperlyConfigured(f"{model.__name__}.{field.name}: give db_default a Python default too")
    return fields


def _values(instance, fields: tuple, connection) -> list:
    """The prepared values of those fields, as the ORM's INSERT takes them (auto_now included)."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


@cache
def _statement(queue_sql: str | None) -> str:
    vendor_quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def columns(fields: tuple) -> str:
        return ", ".join(vendor_quote(f.column) for f in fields)

    def slots(fields: tuple) -> str:
        return ", ".join(["%s"] * len(fields))

    ticket_fields, event_fields = _fields(Ticket), _fields(TicketEvent, skip=LINK.attname)
    return (
        f"WITH ticket AS (INSERT INTO {vendor_quote(Ticket._meta.db_table)} ({columns(ticket_fields)}) "
        f"VALUES ({slots(ticket_fields)}) RETURNING {vendor_quote(Ticket._meta.pk.column)} AS id), "
        f"events AS (INSERT INTO {vendor_quote(TicketEvent._meta.db_table)} "
        f"({vendor_quote(LINK.column)}, {columns(event_fields)}) "
        f"VALUES ((SELECT id FROM ticket), {slots(event_fields)}) "
        f"RETURNING {vendor_quote(TicketEvent._meta.pk.column)} AS id)"
        + (f", queued AS ({queue_sql})" if queue_sql else "")
        + " SELECT ticket.id, events.id FROM ticket, events"
    )


def write(ticket: Ticket, event: TicketEvent) -> None:
    """INSERT the unsaved `ticket` and its unsaved `event` (whose ticket is `ticket`) in the
    current transaction, publish the event (hotline.notify), and give both their ids."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        write_in_one_statement(ticket, event)
    else:
        write_through_orm(ticket, event)


def write_through_orm(ticket: Ticket, event: TicketEvent) -> None:
    ticket.save(force_insert=True)
    save_event(event)


def write_in_one_statement(ticket: Ticket, event: TicketEvent) -> None:
    """write() on PostgreSQL, with the outbox row in the same statement when there is one."""
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per use
    deferral = notify.deferral_in_statement()
    sql = _statement(deferral.sql if deferral else None)
    params = [*_values(ticket, _fields(Ticket), connection),
              *_values(event, _fields(TicketEvent, skip=LINK.attname), connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ticket_id, event_id = cursor.fetchone()
    for instance, pk in ((ticket, ticket_id), (event, event_id)):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
    event.ticket = ticket
    if deferral:
        deferral.queued([event_id])
    else:
        notify.publish_after_commit(event_id)
