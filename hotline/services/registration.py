"""How a registration's rows are written: on PostgreSQL in one statement (the caller's citizen
row, found by phone or created, the ticket, its register event and, when notifications go
through the outbox, the outbox row, in one round trip); elsewhere through the ORM.

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
from ..events import insert_sql, published, save_event
from ..models import Citizen, Ticket, TicketEvent

LINK = TicketEvent._meta.get_field("ticket")
CALLER = Ticket._meta.get_field("citizen")


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
def _statement(queue_sql: str | None, with_citizen: bool) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def columns(fields: tuple) -> str:
        return ", ".join(quote(f.column) for f in fields)

    def slots(fields: tuple) -> str:
        return ", ".join("(SELECT id FROM citizen)" if with_citizen and f is CALLER else "%s" for f in fields)

    ticket_fields, event_fields = _fields(Ticket), _fields(TicketEvent, skip=LINK.attname)
    citizen_table, citizen_fields = quote(Citizen._meta.db_table), _fields(Citizen)
    name = quote(Citizen._meta.get_field("name").column)
    id_number = quote(Citizen._meta.get_field("id_number").column)
    # Found by phone or created; a known caller without a name takes the one given now. DO UPDATE
    # (not DO NOTHING) so that RETURNING has the row even when a concurrent registration of the
    # same new number committed it while this one waited.
    citizen = (
        f"citizen AS (INSERT INTO {citizen_table} ({columns(citizen_fields)}) VALUES ({slots(citizen_fields)}) "
        # The phone is encrypted with a random nonce: its keyed digest is the unique key.
        f"ON CONFLICT ({quote(Citizen._meta.get_field('phone_digest').column)}) DO UPDATE SET {name} = "
        f"CASE WHEN {citizen_table}.{name} = '' THEN EXCLUDED.{name} ELSE {citizen_table}.{name} END, "
        f"{id_number} = CASE WHEN {citizen_table}.{id_number} = '' THEN EXCLUDED.{id_number} "
        f"ELSE {citizen_table}.{id_number} END "
        f"RETURNING {', '.join(quote(f.column) for f in Citizen._meta.concrete_fields)}), "
    )
    return (
        "WITH " + (citizen if with_citizen else "")
        + f"ticket AS (INSERT INTO {quote(Ticket._meta.db_table)} ({columns(ticket_fields)}) "
        f"VALUES ({slots(ticket_fields)}) RETURNING {quote(Ticket._meta.pk.column)} AS id), "
        + "events AS (" + insert_sql(columns=(LINK.name, *(f.name for f in event_fields)),
                                     source=f"VALUES ((SELECT id FROM ticket), {slots(event_fields)})") + ")"
        + (f", queued AS ({queue_sql})" if queue_sql else "")
        + " SELECT ticket.id, events.id" + (", citizen.*" if with_citizen else "")
        + " FROM ticket, events" + (", citizen" if with_citizen else "")
    )


def _from_db(row, connection) -> list:
    """A RETURNING row as the ORM would read it: encrypted columns decrypted (from_db_value)."""
    return [f.from_db_value(value, None, connection) if hasattr(f, "from_db_value") else value
            for f, value in zip(Citizen._meta.concrete_fields, row, strict=True)]


def write(ticket: Ticket, event: TicketEvent) -> None:
    """INSERT the unsaved `ticket` and its unsaved `event` (whose ticket is `ticket`) in the
    current transaction, publish the event (hotline.notify), and give both their ids.
    `ticket.citizen` may be an unsaved Citizen (the phone and name the caller gave): it is
    found by phone or created (citizen_upsert)."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        write_in_one_statement(ticket, event)
    else:
        write_through_orm(ticket, event)


def citizen_upsert(citizen: Citizen) -> Citizen:
    """The stored citizen of the unsaved `citizen`'s phone, created if new; a known citizen
    without a name takes the unsaved one's."""
    stored, created = Citizen.objects.get_or_create(phone=citizen.phone, defaults={
        "name": citizen.name, "id_number": citizen.id_number})
    if not created:
        # A known citizen without a name (or an ID number) takes the one given now.
        missing = [f for f in ("name", "id_number") if getattr(citizen, f) and not getattr(stored, f)]
        for field in missing:
            setattr(stored, field, getattr(citizen, field))
        if missing:
            stored.save(update_fields=missing)
    return stored


def _new_caller(ticket: Ticket) -> Citizen | None:
    caller = ticket.citizen  # no query: an unsaved citizen is cached on the ticket, a missing one is None
    return caller if caller is not None and caller.pk is None else None


def write_through_orm(ticket: Ticket, event: TicketEvent) -> None:
    if caller := _new_caller(ticket):
        ticket.citizen = citizen_upsert(caller)
    ticket.save(force_insert=True)
    save_event(event)


def write_in_one_statement(ticket: Ticket, event: TicketEvent) -> None:
    """write() on PostgreSQL, with the outbox row in the same statement when there is one."""
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per use
    deferral = notify.deferral_in_statement()
    caller = _new_caller(ticket)
    sql = _statement(deferral.sql if deferral else None, caller is not None)
    # With a caller the statement fills the citizen column itself, from its citizen CTE.
    params = [*(_values(caller, _fields(Citizen), connection) if caller else []),
              *_values(ticket, _fields(Ticket, skip=CALLER.attname if caller else ""), connection),
              *_values(event, _fields(TicketEvent, skip=LINK.attname), connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ticket_id, event_id, *citizen_row = cursor.fetchone()
    if caller:
        ticket.citizen = Citizen.from_db(connection.alias, [f.attname for f in Citizen._meta.concrete_fields],
                                         _from_db(citizen_row, connection))
    for instance, pk in ((ticket, ticket_id), (event, event_id)):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
    event.ticket = ticket
    if deferral:
        deferral.queued([event_id])
    else:
        published([event_id])
