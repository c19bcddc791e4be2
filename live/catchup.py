"""Catch-up: the events a reconnecting client missed, filtered by what it may see."""
from django.utils import timezone

from dispatch.visibility import tickets_visible_to
from hotline.models import TicketEvent
from hotline.privacy import ticket_as_seen_by

from .payloads import NOT_FOR_DISPLAY, display_payload, staff_payload

CATCHUP_LIMIT = 500


def last_event_id() -> int:
    return TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _events_since(since: int, visible=None, exclude_kinds=()):
    qs = TicketEvent.objects.filter(id__gt=since).select_related("ticket", "ticket__category", "ticket__citizen")
    if visible is not None:
        qs = qs.filter(ticket__in=visible)
    if exclude_kinds:
        qs = qs.exclude(kind__in=exclude_kinds)
    return list(qs.order_by("id")[: CATCHUP_LIMIT + 1])


def staff_catchup(user, since: int) -> tuple[list[dict], bool]:
    """(payloads, truncated): truncated means more were missed than we resend; reload instead."""
    events = _events_since(since, tickets_visible_to(user).values("pk"))
    now = timezone.now()
    # issue 16 item 8: each missed event as this user may see it
    payloads = [staff_payload(e, e.ticket, now, lens=ticket_as_seen_by(ticket=e.ticket, user=user))
                for e in events[:CATCHUP_LIMIT]]
    return payloads, len(events) > CATCHUP_LIMIT


def display_catchup(since: int) -> tuple[list[dict], bool]:
    events = _events_since(since, exclude_kinds=NOT_FOR_DISPLAY)
    now = timezone.now()
    return [display_payload(e, e.ticket, now) for e in events[:CATCHUP_LIMIT]], len(events) > CATCHUP_LIMIT
