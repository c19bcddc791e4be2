"""Reads of the ticket core. Who may see which ticket is dispatch.visibility: every list a person
sees starts from its `tickets_visible_to`."""
import re
import time
from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save

from .lookups import split_doors
from .models import Category, Citizen, Ticket, TicketEvent, Unit
from .taxonomy import split_examples, split_synonyms

# What a list row shows (api.representation.ticket_summary), read by `for_list` and
# `ticket_list_rows`: a page of 20 rows reads 15 columns per row, not all 35 with the texts.
LIST_COLUMNS = (
    "number", "title", "state", "ticket_type", "urgency", "channel", "area", "due_at", "warn_at", "created_at",
    # A suspended ticket's light stands as it was when it was suspended (its last state change).
    "state_changed_at",
    "is_confidential",  # issue 16 item 8: a row's title and citizen are shown through hotline.privacy
    "category__full_name", "lead_unit__name", "citizen__name", "citizen__phone",
)
SUBTREE_CACHE_SECONDS = 60


def for_list(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("category", "lead_unit", "citizen").only(*LIST_COLUMNS)


class _Related:
    """A ticket's category, unit or citizen as a list row names it."""

    __slots__ = ("full_name", "name", "phone", "pk")

    def __init__(self, pk, name=None, full_name=None, phone=None):
        self.pk, self.name, self.full_name, self.phone = pk, name, full_name, phone


class ListedTicket:
    """A ticket as a list row shows it: the LIST_COLUMNS, with the attribute names of a
    Ticket (api.representation.ticket_summary and the cursor paginator read it as one).
    Plain values, not model instances: a page of 20 was 80 of them (ticket, category, unit,
    citizen), a tenth of a list's CPU. Read-only: nothing can be saved through it."""

    __slots__ = ("area", "category", "category_id", "channel", "citizen", "citizen_id", "created_at", "due_at",
                 "id", "is_confidential", "lead_unit", "lead_unit_id", "number", "pk", "state", "state_changed_at",
                 "ticket_type", "title",
                 "urgency", "warn_at")

    def __init__(self, row: tuple):
        (self.pk, self.category_id, self.lead_unit_id, self.citizen_id, self.number, self.title, self.state,
         self.ticket_type, self.urgency, self.channel, self.area, self.due_at, self.warn_at, self.created_at,
         self.state_changed_at, self.is_confidential, category_name, unit_name, citizen_name, citizen_phone) = row
        self.id = self.pk
        self.category = None if self.category_id is None else _Related(self.category_id, full_name=category_name)
        self.lead_unit = None if self.lead_unit_id is None else _Related(self.lead_unit_id, name=unit_name)
        self.citizen = (None if self.citizen_id is None
                        else _Related(self.citizen_id, name=citizen_name, phone=citizen_phone))


# In the order ListedTicket reads them: the ids behind the names, then what the row shows.
_LISTED_VALUES = ("pk", "category_id", "lead_unit_id", "citizen_id", *LIST_COLUMNS)
# The ticket's own columns among them, as the page's statement selects them (by column name).
_PAGE_VALUES = tuple("id" if name == "pk" else name for name in _LISTED_VALUES if "__" not in name)


@cache
def _rows_select(vendor: str) -> tuple[str, str, tuple]:
    """The "SELECT …" and the "LEFT JOIN category, unit, citizen" around a page (a derived table
    named as the ticket table): the _LISTED_VALUES, written once, with the field behind each
    column. The ORM built and compiled this part anew for every page: 2 ms of a list's 17 on
    the benchmark machine (bench/README.md); only the page's own statement differs from one
    request to the next."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta, joins, columns, fields = Ticket._meta, [], [], []
    table = quote(meta.db_table)
    for name in _LISTED_VALUES:
        if "__" not in name:
            field = _ticket_field(name)
            columns.append(f"{table}.{quote(field.column)}")
            fields.append(field)
            continue
        relation, column = name.split("__")
        link = meta.get_field(relation)
        alias = quote(f"listed_{relation}")
        if not any(alias in join for join in joins):
            joins.append(f"LEFT OUTER JOIN {quote(link.related_model._meta.db_table)} {alias} "
                         f"ON ({table}.{quote(link.column)} = {alias}.{quote(link.target_field.column)})")
        field = link.related_model._meta.get_field(column)
        columns.append(f"{alias}.{quote(field.column)}")
        fields.append(field)
    return f"SELECT {', '.join(columns)}", " ".join(joins), tuple(fields)


def _ticket_field(name: str):
    return Ticket._meta.pk if name == "pk" else Ticket._meta.get_field(name)


def _order_sql(ordering: tuple, quote, table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return ", ".join(f"{prefix}{quote(_ticket_field(name.lstrip('-')).column)}"
                     f" {'DESC' if name.startswith('-') else 'ASC'}" for name in ordering)


@cache
def _converted_columns(vendor: str) -> tuple:
    """(index, column) of the listed values this backend converts after reading (SQLite's
    datetimes; none on PostgreSQL), found once rather than for every page."""
    connection = connections[DEFAULT_DB_ALIAS]
    _, _, fields = _rows_select(vendor)
    found = []
    for i, field in enumerate(fields):
        col = field.get_col(field.model._meta.db_table)
        if connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            found.append((i, col))
    return tuple(found)


def _rows(page: QuerySet, ordering: tuple, *, low: int = 0, high: int | None = None) -> list[tuple]:
    """The listed values of the page's tickets, in `ordering`, converted as the ORM converts
    them (SQLite's datetimes). `page` selects the _PAGE_VALUES of its tickets, ordered and
    cut (or, a union of two halves, cut here to [low:high]); only its statement is the ORM's.
    The page is a derived table joined to category, unit and citizen: its rows come with their
    columns, so the ticket table is planned twice (the halves) and not a third time to read
    them by id, which was half of a page's planning in PostgreSQL (bench/README.md)."""
    connection = connections[page.db]
    quote, table = connection.ops.quote_name, connection.ops.quote_name(Ticket._meta.db_table)
    select, joins, _ = _rows_select(connection.vendor)
    inner, params = page.query.get_compiler(using=page.db).as_sql()
    if page.query.combinator:  # the halves: ordered and cut as one, inside the derived table
        inner += f" ORDER BY {_order_sql(ordering, quote)}"
        if high is not None:
            inner += f" LIMIT {int(high) - int(low)}"
        if low:
            inner += f" OFFSET {int(low)}"
    sql = f"{select} FROM ({inner}) {table} {joins}"
    if ordering:
        sql += f" ORDER BY {_order_sql(ordering, quote, table)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # As SQLCompiler.get_converters: the backend's, then the field's.
    converters = [(i, col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
                  for i, col in _converted_columns(connection.vendor)]
    if converters and rows:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, col, functions in converters:
                for convert in functions:
                    row[i] = convert(row[i], col, connection)
    return rows


def ticket_list_rows(page: QuerySet[Ticket]) -> list[ListedTicket]:
    """One page of a ticket list, in one statement. `page`: the list's tickets, ordered and
    sliced to the page. The page is picked on the ticket table alone (a subquery with its
    LIMIT) and only its rows are joined to their category, unit and citizen: joined first,
    PostgreSQL misjudged how many of a unit's ~1,000 tickets pass a filter and looked up
    every candidate's citizen and category before sorting out a page of 20."""
    if page.query.is_empty():
        return []
    ordering = page.query.order_by
    halves = None
    if connections[page.db].features.supports_slicing_ordering_in_compound:  # not SQLite
        halves = split_doors(page.query)
    if halves is None:
        rows = _rows(page.values(*_PAGE_VALUES), ordering)
    else:
        # Theirs and seen-through, each ordered and cut at the page's end, then merged: two
        # index scans that stop early instead of one that tests every candidate against both.
        low, high = page.query.low_mark, page.query.high_mark
        picked = []
        for half in halves:
            half.clear_limits()
            half.set_limits(high=high)
            picked.append(QuerySet(model=Ticket, query=half, using=page.db).values(*_PAGE_VALUES))
        rows = _rows(picked[0].union(picked[1], all=True), ordering, low=low, high=high)
    return [ListedTicket(row) for row in rows]


def unit_subtree_ids(unit: Unit) -> tuple[int, ...]:
    """The unit and all units below it. Remembered by this process for a minute: every unit
    list asks, and the tree changes a few times a year. A change made in this process is
    seen at once (the signals below forget every subtree); other processes see it within
    the minute, as they did when this lived in the shared cache, one round trip to Redis
    per request ago."""
    now = time.monotonic()
    hit = _subtrees.get(unit.path)
    if hit is not None and now - hit[0] < SUBTREE_CACHE_SECONDS:
        return hit[1]
    ids = tuple(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    _subtrees[unit.path] = (now, ids)
    return ids


_subtrees: dict[str, tuple[float, tuple[int, ...]]] = {}


def _forget_subtrees(**kwargs) -> None:
    _subtrees.clear()


post_save.connect(_forget_subtrees, sender=Unit, dispatch_uid="unit-subtrees-saved")
post_delete.connect(_forget_subtrees, sender=Unit, dispatch_uid="unit-subtrees-deleted")


def ticket_by_number(number: str) -> Ticket | None:
    return Ticket.objects.filter(number=number.strip()).first()


def ticket_timeline(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("id")


def citizen_history(phone: str, limit: int = 20) -> list[Ticket]:
    citizen = Citizen.objects.filter(phone=phone).first()
    if citizen is None:
        return []
    return list(for_list(citizen.tickets.all()).order_by("-created_at")[:limit])


# Query words: what an operator types between spaces or punctuation.
QUERY_SEPARATORS = re.compile(r"[\s,，、;；。/]+")


@dataclass(frozen=True)
class CategoryMatch:
    category: Category
    # The synonym or example that matched when the category's own name did not ("" otherwise).
    because: str


def categories_matching(query: str, *, limit: int = 30) -> list[CategoryMatch]:
    """Active categories whose name, synonyms or example complaints contain every word of the
    query: names first, then synonyms, then examples; shallow levels first within each.
    One query with a LIKE per word on the precomputed `search_text` (a few hundred rows)."""
    words = [w for w in QUERY_SEPARATORS.split(query.lower()) if w][:5]
    if not words:
        return []
    in_text = Q()
    in_name = Q()
    in_synonyms = Q()
    for word in words:
        in_text &= Q(search_text__contains=word)
        in_name &= Q(full_name__icontains=word)
        in_synonyms &= Q(synonyms__icontains=word)
    rows = (
        Category.objects.filter(in_text, is_active=True)
        .annotate(rank=Case(When(in_name, then=Value(0)), When(in_synonyms, then=Value(1)), default=Value(2)))
        .order_by("rank", "level", "full_name")[:limit]
    )
    return [CategoryMatch(c, "" if c.rank == 0 else _matched_phrase(c, words)) for c in rows]


def _matched_phrase(category: Category, words: list[str]) -> str:
    for phrase in [*split_synonyms(category.synonyms), *split_examples(category.examples)]:
        if any(word in phrase.lower() for word in words):
            return phrase
    return ""
