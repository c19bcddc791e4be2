"""Citizens' personal data over time (issue 20 item 4): key rotation and retention.

`citizens_rekey` re-encrypts every citizen row not sealed with the ring's current key (and
recomputes the lookup digest, for a new PII_HASH_KEY). `tickets_anonymise` takes the citizen's
identity out of closed tickets older than the retention age, leaving what statistics count.
Both work in batches of ids, each batch one transaction, and may be run again at any time:
a second run finds nothing left to do. Each run writes one audit row (PERSONAL_DATA).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from .. import pii
from ..models import Citizen, Ticket
from ..models.tickets import FINAL_STATES
from ..privacy import NAME_PLACEHOLDER

# What a text loses: ID numbers, mobiles (with +86 and separators), landlines with area code.
# One pattern, written for both PostgreSQL's regexp_replace (ARE) and Python's re (SQLite).
NUMBERS_PATTERN = (r"[0-9]{17}[0-9Xx]|(\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
                   r"|0[0-9]{2,3}-?[0-9]{7,8}")
NUMBER_PLACEHOLDER = "***"
BATCH = 1000


def _sqlite_regexp_replace(connection) -> None:
    """SQLite (the embedded default) has no regexp_replace: the same pattern through Python."""
    compiled = re.compile(NUMBERS_PATTERN)

    def replace(text, pattern, replacement, flags):
        if text is None:
            return None
        regex = compiled if pattern == NUMBERS_PATTERN else re.compile(pattern)
        return regex.sub(replacement, text)

    connection.ensure_connection()
    connection.connection.create_function("regexp_replace", 4, replace, deterministic=True)


# --- key rotation ---

def citizens_rekey(*, actor=None, batch: int = 2000) -> dict:
    """Re-encrypt the citizens' phones and ID numbers sealed with an older key of PII_KEYS, and
    recompute each phone's digest with PII_HASH_KEY. Returns {"checked", "rekeyed"}."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table = quote(Citizen._meta.db_table)
    phone, digest, id_number = (quote(Citizen._meta.get_field(f).column)
                                for f in ("phone", "phone_digest", "id_number"))
    current = pii.key_ring().current_id
    checked = rekeyed = last = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {phone}, {digest}, {id_number} FROM {table} WHERE id > %s ORDER BY id "
                           f"LIMIT %s" + (" FOR UPDATE" if connection.vendor == "postgresql" else ""), [last, batch])
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for pk, sealed_phone, old_digest, sealed_id in rows:
                plain = pii.decrypt(sealed_phone, label="citizen.phone")
                new_digest = pii.digest(plain, label="citizen.phone")
                stale = [v for v in (sealed_phone, sealed_id) if v and pii.key_id_of(v) != current]
                if stale or new_digest != old_digest:
                    updates.append((pii.encrypt(plain, label="citizen.phone"), new_digest,
                                    pii.encrypt(pii.decrypt(sealed_id, label="citizen.id_number"),
                                                label="citizen.id_number"), pk))
            if updates:
                cursor.executemany(f"UPDATE {table} SET {phone} = %s, {digest} = %s, {id_number} = %s "
                                   f"WHERE id = %s", updates)
            checked, rekeyed, last = checked + len(rows), rekeyed + len(updates), rows[-1][0]
    result = {"checked": checked, "rekeyed": rekeyed, "key": current}
    audit_record(action=AuditAction.PERSONAL_DATA, actor=actor, actor_label="" if actor else "pii_rekey",
                 target_type="citizen", detail={"operation": "rekey"} | result)
    return result


# --- retention ---

def retention_cutoff(*, days: int, now: datetime | None = None) -> datetime:
    if days < 30:
        raise ValueError("PII_RETENTION_DAYS: at least 30 days (a closed ticket may still be reviewed)")
    return (now or timezone.now()) - timedelta(days=days)


def _anonymise_sql(connection) -> tuple[str, str, str]:
    """The three statements of one batch (ids in a temporary list): the tickets' texts and
    identity, the units' replies to them, the citizens left without any ticket."""
    quote = connection.ops.quote_name
    ticket, citizen = quote(Ticket._meta.db_table), quote(Citizen._meta.db_table)
    from dispatch.models import Reply  # the units' replies name the caller they phoned back

    reply = quote(Reply._meta.db_table)
    name = f"(SELECT c.{quote('name')} FROM {citizen} c WHERE c.id = {ticket}.{quote('citizen_id')})"

    def scrubbed(column: str) -> str:
        # The caller's own name (two characters or more) first, then every number that dials or identifies.
        named = (f"CASE WHEN length(coalesce({name}, '')) >= 2 THEN replace({column}, {name}, '{NAME_PLACEHOLDER}') "
                 f"ELSE {column} END")
        return f"regexp_replace({named}, %(pattern)s, '{NUMBER_PLACEHOLDER}', 'g')"

    tickets_sql = (
        f"UPDATE {ticket} SET {quote('title')} = {scrubbed(quote('title'))}, "
        f"{quote('content')} = {scrubbed(quote('content'))}, "
        f"{quote('direct_answer')} = {scrubbed(quote('direct_answer'))}, "
        f"{quote('address')} = '', {quote('citizen_id')} = NULL, {quote('anonymised_at')} = %(now)s "
        f"WHERE id IN (SELECT value FROM ids)"
    )
    replies_sql = (f"UPDATE {reply} SET {quote('text')} = regexp_replace({quote('text')}, %(pattern)s, "
                   f"'{NUMBER_PLACEHOLDER}', 'g') WHERE {quote('ticket_id')} IN (SELECT value FROM ids)")
    # A citizen is kept while any ticket still names them (a newer one, an open one), and when they
    # opted out of SMS (the opt-out must be honoured, and needs the number).
    citizens_sql = (f"DELETE FROM {citizen} WHERE id IN (SELECT value FROM citizen_ids) AND NOT "
                    f"{quote('sms_opt_out')} AND NOT EXISTS (SELECT 1 FROM {ticket} t WHERE "
                    f"t.{quote('citizen_id')} = {citizen}.id)")
    return tickets_sql, replies_sql, citizens_sql


def _values_cte(name: str, ids: list[int]) -> str:
    return f"{name}(value) AS (VALUES {', '.join(f'({int(i)})' for i in ids)})"


def tickets_anonymise(*, days: int, actor=None, now: datetime | None = None, batch: int = BATCH) -> dict:
    """Anonymise closed (办结, 并单, 无效) tickets closed more than `days` ago and not yet anonymised:
    the citizen unlinked, the address emptied, the caller's name and every phone and ID number taken
    out of the title, content, direct answer and the units' replies; citizens no ticket names any
    more are deleted. Counts, categories, units, areas, dates, lights and satisfaction stay.
    Ticket events are not touched (append-only): their payloads carry no citizen's number
    (an SMS line's number is masked when written). Returns the counts; one audit row per run."""
    now = now or timezone.now()
    cutoff = retention_cutoff(days=days, now=now)
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        _sqlite_regexp_replace(connection)
    tickets_sql, replies_sql, citizens_sql = _anonymise_sql(connection)
    old = (Ticket.objects.filter(state__in=FINAL_STATES, anonymised_at__isnull=True, closed_at__lt=cutoff)
           | Ticket.objects.filter(state__in=FINAL_STATES, anonymised_at__isnull=True, closed_at__isnull=True,
                                   state_changed_at__lt=cutoff))
    tickets = citizens = 0
    while True:
        with transaction.atomic():
            rows = list(old.order_by("id").values_list("id", "citizen_id")[:batch])
            if not rows:
                break
            ids = [pk for pk, _ in rows]
            citizen_ids = sorted({c for _, c in rows if c is not None})
            params = {"pattern": NUMBERS_PATTERN, "now": now}
            with_ids = f"WITH {_values_cte('ids', ids)} "
            # (SQLite reports no rowcount for a statement that starts WITH: counted from the ids.)
            known = Citizen.objects.filter(pk__in=citizen_ids).count() if citizen_ids else 0
            with connection.cursor() as cursor:
                cursor.execute(with_ids + tickets_sql, params)
                cursor.execute(with_ids + replies_sql, params)
                if citizen_ids:
                    cursor.execute(f"WITH {_values_cte('citizen_ids', citizen_ids)} " + citizens_sql)
            tickets += len(ids)
            citizens += known - (Citizen.objects.filter(pk__in=citizen_ids).count() if citizen_ids else 0)
    result = {"tickets": tickets, "citizens_deleted": citizens, "cutoff": cutoff.isoformat(), "days": days}
    audit_record(action=AuditAction.PERSONAL_DATA, actor=actor, actor_label="" if actor else "pii_retention",
                 target_type="ticket", detail={"operation": "retention"} | result)
    return result
