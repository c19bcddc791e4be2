"""List reads that stay fast with millions of tickets.

PostgreSQL cannot walk one (state, x) index in x order across several states, and with
`state IN (…) ORDER BY created_at LIMIT n` it may walk the whole created_at index instead.
So the head of a multi-state list is read state by state, each an index range scan, and
merged here. Counts that could be large are capped: "1000+" tells a supervisor enough.
"""
import datetime as dt

from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet

from hotline.models import Ticket

COUNT_CAP = 1000
# Long texts a list never shows: leaving them in the database halves what a list reads.
LIST_DEFER = ("content", "direct_answer", "address", "area", "call_id")


def head_by_state(qs: QuerySet, states, order: str, limit: int, *, scan: str = "", scan_limit: int = 40) -> list:
    """The first `limit` rows of `qs` (whose states are within `states`) by one field, ascending.

    `scan` reads each state along another index (up to `scan_limit` rows) before sorting by
    `order`: the yellow list walks (state, warn_at) back from now, where yellow tickets are,
    instead of every green ticket's due date."""
    rows = []
    qs = qs.defer(*LIST_DEFER)
    for state in states:
        if scan:
            rows += list(qs.filter(state=state).order_by(scan)[:scan_limit])
        else:
            rows += list(qs.filter(state=state).order_by(order, "id")[:limit])
    rows.sort(key=lambda t: (getattr(t, order) is None, getattr(t, order), t.pk))
    return rows[:limit]


def capped_counts(querysets: dict, cap: int = COUNT_CAP) -> dict:
    """Several capped counts in one round trip: {name: (count, capped)}."""
    from django.db import connection

    parts, params = [], []
    for qs in querysets.values():
        sql, p = qs.order_by().values("pk")[: cap + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")
        params += list(p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return {name: (min(n, cap), n > cap) for name, n in zip(querysets, counts, strict=True)}


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most `cap` rows."""
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def yellow_candidates(now) -> QuerySet:
    """Yellow tickets, written so that PostgreSQL reads them along (state, warn_at).

    The same rule as dispatch.deadlines.light_q("yellow"); due_at is wrapped in a no-op
    expression because otherwise the planner walks (state, due_at) through every green
    ticket in hand (tens of thousands of cold rows) to find the few yellow ones.
    """
    due = ExpressionWrapper(F("due_at") + dt.timedelta(0), output_field=DateTimeField())
    return Ticket.objects.alias(due_plain=due).filter(warn_at__lte=now, due_plain__gte=now)
