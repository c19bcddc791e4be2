"""Reading an export's rows: keyset-paged batches of plain values, masked for the exporter.

Why keyset pages (`id < last ORDER BY id DESC LIMIT n`) rather than one server-side cursor:
each batch is a short statement of its own, so an export of a million rows holds no snapshot
or transaction open for a minute, works behind a transaction-mode pooler (where named cursors
do not), and memory holds one batch at a time whatever the list's size. Newest first, as the
lists show them (ids follow registration)."""
from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace

from django.conf import settings
from django.db.models import QuerySet

from dispatch.deadlines import light_at
from hotline.models import TicketState
from hotline.models.tickets import HANDLING_STATES
from hotline.privacy import CENTRE_ROLES, REPORT_TYPE, Sight, TicketLens, sight_for

from .columns import BY_KEY, LIGHT_LABELS, Column, satisfaction_annotation

DEFAULT_BATCH_SIZE = 5000
# Rows made into cells and handed to the writer at a time: the chunks sent stay a few hundred KB.
# Multi-megabyte chunks raised glibc's mmap threshold and left the heap fragmented (RSS grew
# through a million-row export although Python's own memory stayed flat).
SLICE_ROWS = 250
# What masking reads besides the chosen columns: whether the ticket is confidential, and the
# caller's identity that the lens takes out of the texts.
LENS_FIELDS = ("ticket_type", "is_confidential", "citizen_id", "citizen__name", "citizen__phone", "address")
PRIVATE_TEXT = {"title": "title", "content": "content", "address": "address"}


def batch_size() -> int:
    return int(getattr(settings, "EXPORTS_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def parse_columns(raw: str) -> list[Column]:
    """"number,title,…" → the columns in the order asked; unknown or repeated keys are bad input."""
    from hotline.errors import InvalidInput

    keys = [key.strip() for key in (raw or "").split(",") if key.strip()]
    if not keys:
        raise InvalidInput("请至少选择一列", field="columns")
    unknown = [key for key in keys if key not in BY_KEY]
    if unknown:
        raise InvalidInput(f"未知的列：{'、'.join(unknown)}", field="columns")
    if len(set(keys)) != len(keys):
        raise InvalidInput("列重复", field="columns")
    return [BY_KEY[key] for key in keys]


def _same(value):
    return value


RAW = {"text": _same, "label": _same, "time": _same, "int": _same}


class _Plan:
    """Which fields one statement reads and how each chosen column is made from them: one call
    per cell, the writer's rendering (`render`: kind → function) folded into it."""

    def __init__(self, columns: Sequence[Column], *, role: str, now, render: dict | None = None):
        self.columns, self.role, self.now = list(columns), role, now
        self.render = render or RAW
        self.masking = role not in CENTRE_ROLES and any(c.private for c in columns)
        fields = ["pk"]
        for column in self.columns:
            fields += [f for f in column.fields if f not in fields]
        if self.masking:
            fields += [f for f in LENS_FIELDS if f not in fields]
        self.fields = tuple(fields)
        self.at = {name: i for i, name in enumerate(fields)}
        self.makers: list[Callable] = [self._maker(c) for c in self.columns]

    def _maker(self, column: Column) -> Callable:
        i, render = self.at[column.fields[0]], self.render
        if column.kind == "choice":
            label, labels = render["label"], {k: render["label"](v) for k, v in (column.choices or {}).items()}
            return lambda row: labels.get(row[i]) or label(row[i] or "")
        if column.kind == "bool":
            yes, no, empty = render["label"]("是"), render["label"]("否"), render["label"]("")
            return lambda row: empty if row[i] is None else (yes if row[i] else no)
        if column.kind in ("time", "int"):
            show = render[column.kind]
            return lambda row: show(row[i])
        if column.kind == "light":
            state, due, warn, changed = (self.at[f] for f in column.fields)
            handling, now = HANDLING_STATES, self.now
            labels = {k: render["label"](v) for k, v in LIGHT_LABELS.items()} | {None: render["label"]("")}

            def light(row):
                if row[state] == TicketState.SUSPENDED:
                    return labels[light_at(row[due], row[warn], row[changed])]
                if row[state] not in handling:
                    return labels[None]
                return labels[light_at(row[due], row[warn], now)]
            return light
        text = render["text"]
        return lambda row: text(row[i] or "")

    def cells(self, row: tuple) -> list:
        cells = [make(row) for make in self.makers]
        if self.masking:
            self._mask(row, cells)
        return cells

    def _mask(self, row: tuple, cells: list) -> None:
        """Personal data through the lens the list pages use (hotline.privacy)."""
        at, text = self.at, self.render["text"]
        confidential = row[at["ticket_type"]] == REPORT_TYPE or bool(row[at["is_confidential"]])
        sight = sight_for(role=self.role, confidential=confidential)
        if sight == Sight.WHOLE:
            return
        has_citizen = row[at["citizen_id"]] is not None
        ticket = SimpleNamespace(
            ticket_type=row[at["ticket_type"]], is_confidential=row[at["is_confidential"]],
            citizen_id=row[at["citizen_id"]],
            citizen=SimpleNamespace(name=row[at["citizen__name"]] or "", phone=row[at["citizen__phone"]] or ""),
            address=row[at["address"]] or "",
            title=row[at["title"]] if "title" in at else "", content=row[at["content"]] if "content" in at else "",
        )
        lens = TicketLens(ticket, sight)
        person = lens.citizen if has_citizen else None
        for n, column in enumerate(self.columns):
            if not column.private:
                continue
            if column.key in PRIVATE_TEXT:
                cells[n] = text(getattr(lens, PRIVATE_TEXT[column.key]))
            elif column.key == "citizen_name":
                cells[n] = text(person["name"] if person else "")
            elif column.key == "citizen_phone":
                cells[n] = text(person["phone"] if person else "")


def sight_label(role: str) -> str:
    """What the audit trail says of the exporter's view of personal data."""
    if role in CENTRE_ROLES:
        return "whole"
    return "masked" if sight_for(role=role, confidential=False) != Sight.WHOLE else "whole_except_confidential"


def export_batches(*, queryset: QuerySet, columns: Sequence[Column], role: str, now,
                   size: int | None = None, render: dict | None = None) -> Iterator[list[list]]:
    """The rows of `queryset` as lists of cells (rendered by `render`, exports.writers), one
    batch (one statement) at a time."""
    plan = _Plan(columns, role=role, now=now, render=render)
    size = size or batch_size()
    qs = queryset.order_by()
    if "satisfaction" in plan.fields:
        qs = qs.annotate(satisfaction=satisfaction_annotation())
    qs = qs.values_list(*plan.fields).order_by("-pk")
    last = None
    while True:
        page = qs if last is None else qs.filter(pk__lt=last)
        rows = list(page[:size])
        if not rows:
            return
        for start in range(0, len(rows), SLICE_ROWS):
            yield [plan.cells(row) for row in rows[start:start + SLICE_ROWS]]
        if len(rows) < size:
            return
        last = rows[-1][0]
