from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from hotline.errors import InvalidInput


class TicketCursorPagination(CursorPagination):
    """Keyset pagination: page N costs the same as page 1 with millions of rows."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")

    def paginate_queryset(self, queryset, request, view=None):
        # A mangled cursor is the client's mistake, not a missing page: undecodable (NotFound),
        # or decodable with a position the database cannot compare (ValidationError).
        try:
            return super().paginate_queryset(queryset, request, view)
        except (NotFound, ValidationError):
            raise InvalidInput("分页游标无效，请从第一页重新加载", field="cursor") from None


class InboxPagination(TicketCursorPagination):
    """A unit's inbox: the deadline closest to (or furthest past) first."""

    ordering = ("due_at", "id")


class OldestFirstPagination(TicketCursorPagination):
    """Queues (extension requests): who has waited longest first."""

    ordering = ("created_at", "id")
