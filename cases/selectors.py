"""Reads of public cases: the portal's list with its search and filters, and a reviewer's first draft."""
import datetime as dt
import re

from django.db.models import Q, QuerySet
from django.utils import timezone

from hotline.models import Category, Ticket

from .models import PublishedCase
from .services import TITLE_MAX, public_text

MAX_WORDS = 5
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def published_cases() -> QuerySet:
    """What the portal shows, newest closure first."""
    return PublishedCase.objects.filter(state=PublishedCase.State.PUBLISHED).order_by("-closed_at", "-id")


def month_range(month: str) -> tuple[dt.datetime, dt.datetime] | None:
    """'2026-11' → the local month's [start, end) as aware datetimes; None for anything else."""
    match = MONTH_RE.match(month or "")
    if not match:
        return None
    year, number = int(match[1]), int(match[2])
    if not (1 <= number <= 12 and 2000 <= year <= 2100):
        return None
    zone = timezone.get_current_timezone()
    start = dt.datetime(year, number, 1, tzinfo=zone)
    end = dt.datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=zone)
    return start, end


def case_search(*, words: str = "", category_id: int | None = None, month: str = "") -> QuerySet:
    """Published cases holding every word (in title, summary, result or unit), of a first-level
    category, closed in a month ('YYYY-MM', local time)."""
    qs = published_cases()
    for word in words.split()[:MAX_WORDS]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(answer__icontains=word)
                       | Q(unit_name__icontains=word))
    if category_id:
        qs = qs.filter(category_id=category_id)
    bounds = month_range(month)
    if bounds:
        qs = qs.filter(closed_at__gte=bounds[0], closed_at__lt=bounds[1])
    return qs


def case_categories() -> list[Category]:
    """The first-level categories that have a published case (the filter's choices)."""
    ids = published_cases().exclude(category=None).values("category_id")
    return list(Category.objects.filter(pk__in=ids).order_by("name"))


def case_months() -> list[str]:
    """'YYYY-MM' of every local month with a published case, newest first."""
    moments = published_cases().datetimes("closed_at", "month", order="DESC",
                                          tzinfo=timezone.get_current_timezone())
    return [m.strftime("%Y-%m") for m in moments]


def case_draft(ticket: Ticket) -> dict:
    """The review form's first texts: the published ones if any, else the ticket's own, scrubbed."""
    case = PublishedCase.objects.filter(ticket=ticket).first()
    if case is not None:
        return {"title": case.title, "summary": case.summary, "answer": case.answer}
    reply = ticket.replies.filter(is_lead=True).order_by("-created_at").first()
    answer = ticket.direct_answer if ticket.closed_by_hotline else (reply.text if reply else "")
    title = public_text(ticket, ticket.title or ticket.content)
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1] + "…"
    return {"title": title, "summary": public_text(ticket, ticket.content), "answer": public_text(ticket, answer)}
