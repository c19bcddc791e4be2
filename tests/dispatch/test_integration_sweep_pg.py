"""The sweep's PostgreSQL path: the same events and notices as the portable path, and two
sweeps at the same instant never notify a ticket twice."""
import datetime as dt

import pytest
from django.db import connection

from dispatch import timers
from dispatch.models import SupervisionNotice
from hotline import outbox
from hotline.models import TicketEvent
from tests.concurrency import at_once, unexpected

from ..live.helpers import dispatched
from .crowd import crowd_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_events_and_notices_match_the_portable_path(operator, supervisor, unit_a, monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(outbox, "schedule_drain", lambda: None)
    ticket = dispatched(operator, supervisor, unit_a, title="路灯损坏")
    timers.sweep_lights(now=ticket.warn_at + dt.timedelta(seconds=1))
    late = ticket.due_at + dt.timedelta(days=1, hours=1)
    timers.sweep_lights(now=late)
    urge = TicketEvent.objects.get(ticket=ticket, kind="urge")
    supervise = TicketEvent.objects.get(ticket=ticket, kind="supervise")
    due = ticket.due_at.astimezone(dt.UTC).isoformat()
    assert urge.payload == {"note": timers.AUTO_NOTES["urge"], "unit": unit_a.name, "unit_id": unit_a.pk,
                            "light": "yellow", "due_at": due, "auto": True}
    assert supervise.payload | {"note": "", "light": ""} == urge.payload | {"note": "", "light": ""}
    assert (urge.actor_id, urge.actor_label, supervise.created_at) == (None, "系统", late)
    notice = SupervisionNotice.objects.get(event=supervise)
    assert (notice.ticket_id, notice.unit_id, notice.unit_name, notice.ticket_number, notice.ticket_title) == (
        ticket.pk, unit_a.pk, unit_a.name, ticket.number, "路灯损坏")
    assert (notice.due_at, notice.days_overdue, notice.issued_by, notice.file.name) == (
        ticket.due_at, 2, "系统", "")
    assert notice.demand == timers.notice_demand()


def test_two_sweeps_at_the_same_instant_notify_each_ticket_once(operator, supervisor, unit_a, monkeypatch):
    monkeypatch.setattr(outbox, "schedule_drain", lambda: None)
    first = dispatched(operator, supervisor, unit_a)
    crowd_like(first, 2000, prefix="P")
    now = first.due_at + dt.timedelta(seconds=1)
    results = at_once(*[lambda: timers.sweep_lights(now=now)] * 2)
    assert not unexpected(results), results
    claimed = results[0].supervised + results[1].supervised
    assert len(claimed) == len(set(claimed)) == 2001
    assert TicketEvent.objects.filter(kind="supervise").count() == 2001
    assert SupervisionNotice.objects.count() == 2001
