"""`pk__seen_through=[ids]`: the tickets someone sees through a side door (a unit's co-unit
parts, earlier rounds and returns; a leader's instructions), besides the ones that are
theirs by a column of the ticket (`lead_unit`, `leader`).

The condition is an ordinary `IN` with a name of its own, so that a list page can find it
(`split_doors`) and read "theirs OR seen through" as two index scans, each stopping at the
page's LIMIT, instead of one scan that tests every open ticket in the city against both
(a unit's inbox: 35,000 open tickets scanned for its ~1,000 and 60 co-unit ones).
On PostgreSQL the ids travel as one array parameter: a year of a unit's side parts is a
few thousand ids, and as many `%s` cost more to bind and to plan than the page itself."""
from django.db.models import BigAutoField, F, OrderBy
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.db.models.sql.where import OR, WhereNode


@BigAutoField.register_lookup
class SeenThrough(In):
    lookup_name = "seen_through"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return super().as_sql(compiler, connection)
        ids = [int(pk) for pk in self.rhs if pk is not None]
        if not ids:
            return super().as_sql(compiler, connection)  # raises EmptyResultSet: no such door
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, ids)


# Up to this many side-door ids a page reads them by key and sorts them (about 3 µs each
# on the benchmark machine); beyond it, one statement as the planner likes it is cheaper.
SPLIT_MAX_IDS = 500


def split_doors(query):
    """The two halves of a query whose top-level condition is "theirs OR seen through":
    (theirs only, seen through only), each a copy of the query with every other condition,
    ordering and limit kept. None when the query has no such condition, or when it names
    more than SPLIT_MAX_IDS tickets seen through a side door (years of a unit's co-unit
    parts): the seen-through half would read every one of them to sort out a page."""
    for index, child in enumerate(query.where.children):
        if not (isinstance(child, WhereNode) and child.connector == OR and not child.negated):
            continue
        seen = [isinstance(c, SeenThrough) for c in child.children]
        if not any(seen) or all(seen):
            continue
        if sum(len(c.rhs) for c in child.children if isinstance(c, SeenThrough)) > SPLIT_MAX_IDS:
            return None
        halves = []
        for keep in (False, True):  # theirs, then seen through
            half = query.clone()
            doors = half.where.children[index]
            half.where.children[index] = WhereNode(
                [c for c in doors.children if isinstance(c, SeenThrough) == keep], OR)
            halves.append(half)
        halves[1].order_by = tuple(_by_no_index(field) for field in query.order_by)
        return tuple(halves)
    return None


def _by_no_index(field: str) -> OrderBy:
    """The same order, as an expression no index matches (COALESCE(x, x) is x). The tickets
    seen through a side door are a few hundred or thousand ids scattered over years: read
    by their keys and sorted, they cost a few milliseconds; walked to along the date index
    (what the planner picks, expecting them evenly spread), a whole unit's history."""
    name = field.removeprefix("-")
    return OrderBy(Coalesce(F(name), F(name)), descending=field.startswith("-"))
