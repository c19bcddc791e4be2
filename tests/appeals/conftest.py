"""Tickets with something to appeal, made through the services as the right people would."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as d
from hotline.models import Ticket
from tests import factories as f
from tests.web.browser import browser  # noqa: F401 - the shared Chromium fixture, for the browser test


def dissatisfied(people) -> Ticket:
    """Lead unit A replied; the citizen said 不满意 on the callback (the ticket is reopened)."""
    ticket = f.replied(people, co=False)
    d.survey_record(ticket=ticket, result="dissatisfied", actor=people["operator"], method="phone")
    return f.fresh(ticket)


def redispatched(people) -> Ticket:
    """A dissatisfied ticket sent back to unit A for re-handling (重办): the reports count a ticket's
    callbacks under its current lead unit."""
    ticket = dissatisfied(people)
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit)
    return f.fresh(ticket)


def satisfied(people) -> Ticket:
    ticket = f.replied(people, co=False)
    d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"], method="phone")
    return f.fresh(ticket)


def overdue(people, *, hours_ago: int = 2) -> Ticket:
    """Unit A signed it; its deadline passed `hours_ago` hours ago without a reply."""
    ticket = f.in_progress(people, co=False)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - dt.timedelta(hours=hours_ago),
                                               warn_at=timezone.now() - dt.timedelta(hours=hours_ago + 4))
    return f.fresh(ticket)


def closed_late(people) -> Ticket:
    """Unit A replied after its deadline; the citizen was satisfied: closed, not on time."""
    ticket = f.in_progress(people, co=False)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    ticket = f.fresh(ticket)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=f.REPLY_TEXT, confirm_absent_co_units=True)
    ticket = f.fresh(ticket)
    if ticket.state == "reviewing":
        d.ticket_review_approve(ticket=ticket, actor=people["supervisor"])
    d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"], method="phone")
    return f.fresh(ticket)


@pytest.fixture
def at(monkeypatch):
    """Move the clock: at(moment) makes django.utils.timezone.now return it."""
    def move(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return move
