from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from hotline.errors import InvalidInput


class TicketCursorPagination(CursorPagination):
    """Keyset pagination: page N costs the same as page 1 with millions of rows.

    Keys first, rows second: a list that joins other tables (a ticket's category, unit,
    citizen) picks its page on its own table, then reads those rows with their joins.
    In one statement PostgreSQL misjudges how many of a unit's tickets pass a filter
    (light, type, state) and joined every candidate before sorting: ~1,000 citizen and
    category lookups for a page of 20, 7 ms where the page alone takes well under one.
    Unfiltered, the joined statement already walks the list's index and stops after a page,
    so only a view that says it filtered the list (`view.filtered`, set by FilterWhenAsked)
    is read keys first."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")

    def paginate_queryset(self, queryset, request, view=None):
        # A mangled cursor is the client's mistake, not a missing page: undecodable (NotFound),
        # or decodable with a position the database cannot compare (ValidationError).
        joins = bool(getattr(queryset, "query", None) and queryset.query.select_related
                     and getattr(view, "filtered", False))
        keys = queryset
        if joins:
            order_fields = [name.lstrip("-") for name in self.get_ordering(request, queryset, view)]
            keys = queryset.select_related(None).only(*order_fields)
        try:
            page = super().paginate_queryset(keys, request, view)
        except (NotFound, ValidationError):
            raise InvalidInput("分页游标无效，请从第一页重新加载", field="cursor") from None
        if joins and page:
            rows = queryset.in_bulk([item.pk for item in page])
            # A row that left the list between the two reads (closed that instant) is left out.
            self.page = page = [rows[item.pk] for item in page if item.pk in rows]
        return page


class InboxPagination(TicketCursorPagination):
    """A unit's inbox: the deadline closest to (or furthest past) first."""

    ordering = ("due_at", "id")


class OldestFirstPagination(TicketCursorPagination):
    """Queues (extension requests): who has waited longest first."""

    ordering = ("created_at", "id")
