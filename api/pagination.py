from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from hotline.errors import InvalidInput
from hotline.errors import NotFound as HotlineNotFound
from hotline.selectors import ticket_list_rows


class TicketCursorPagination(CursorPagination):
    """Keyset pagination: page N costs the same as page 1 with millions of rows."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor that does not decode, or names a position the database cannot compare, names
        # no page: 404 (DRF's own answer), with a message that says what to do. Not 400: a cursor
        # is opaque, so no schema can tell a client which strings are cursors.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (NotFound, ValidationError):
            raise HotlineNotFound("分页游标无效，请从第一页重新加载", code="invalid_cursor", field="cursor") from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise InvalidInput(f"page_size 应为 1 到 {self.max_page_size} 的整数", field="page_size")
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


class _PageFirst:
    """What DRF's cursor paginator is handed in place of a ticket list: its ordering and the
    cursor's position narrow the list, and taking the page (a slice) reads the page's rows
    in one statement (hotline.selectors.ticket_list_rows)."""

    def __init__(self, tickets):
        self.tickets = tickets

    def order_by(self, *fields):
        return _PageFirst(self.tickets.order_by(*fields))

    def filter(self, *args, **kwargs):
        return _PageFirst(self.tickets.filter(*args, **kwargs))

    def __getitem__(self, page: slice):
        return ticket_list_rows(self.tickets[page])


class TicketListPagination(TicketCursorPagination):
    """A list of tickets, the newest first, read as plain rows one page at a time."""

    def get_ordering(self, request, queryset, view):
        return super().get_ordering(request, getattr(queryset, "tickets", queryset), view)

    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(_PageFirst(queryset), request, view)


class InboxPagination(TicketListPagination):
    """A unit's inbox: the deadline closest to (or furthest past) first."""

    ordering = ("due_at", "id")


class OldestFirstPagination(TicketCursorPagination):
    """Queues (extension requests): who has waited longest first."""

    ordering = ("created_at", "id")
