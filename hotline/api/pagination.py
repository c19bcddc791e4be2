from rest_framework.pagination import CursorPagination


class TicketCursorPagination(CursorPagination):
    """Keyset pagination: page N costs the same as page 1 with millions of rows."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")


class InboxPagination(TicketCursorPagination):
    """A unit's inbox: the deadline closest to (or furthest past) first."""

    ordering = ("due_at", "id")


class OldestFirstPagination(TicketCursorPagination):
    """Queues (extension requests): who has waited longest first."""

    ordering = ("created_at", "id")
