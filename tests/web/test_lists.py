"""The fast list helpers give the same rows as the plain queries they replace."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as ds
from dispatch.deadlines import light_q
from hotline.models import Ticket
from hotline.models.tickets import HANDLING_STATES
from web.lists import capped_count, head_by_state, yellow_candidates

pytestmark = pytest.mark.django_db


def test_head_by_state_merges_states_in_order(make_ticket, supervisor, staff_a, unit_a):
    tickets = [ds.ticket_dispatch(ticket=make_ticket(content=f"诉求{i}"), actor=supervisor, lead_unit=unit_a)
               for i in range(5)]
    ds.ticket_sign(ticket=tickets[1], actor=staff_a)
    ds.ticket_sign(ticket=tickets[3], actor=staff_a)
    now = timezone.now()
    for i, t in enumerate(tickets):
        Ticket.objects.filter(pk=t.pk).update(due_at=now + dt.timedelta(hours=10 - i))
    plain = list(Ticket.objects.filter(state__in=HANDLING_STATES).order_by("due_at", "id").values_list("pk", flat=True))
    fast = [t.pk for t in head_by_state(Ticket.objects.all(), HANDLING_STATES, "due_at", 3)]
    assert fast == plain[:3]


def test_yellow_candidates_match_the_light_rule(make_ticket, supervisor, unit_a):
    tickets = [ds.ticket_dispatch(ticket=make_ticket(content=f"诉求{i}"), actor=supervisor, lead_unit=unit_a)
               for i in range(3)]
    now = timezone.now()
    Ticket.objects.filter(pk=tickets[0].pk).update(warn_at=now - dt.timedelta(hours=1))  # yellow
    Ticket.objects.filter(pk=tickets[1].pk).update(due_at=now - dt.timedelta(hours=1),
                                                   warn_at=now - dt.timedelta(hours=2))  # red
    expected = set(Ticket.objects.filter(light_q("yellow", now)).values_list("pk", flat=True))
    got = set(yellow_candidates(now).filter(state__in=HANDLING_STATES).values_list("pk", flat=True))
    assert got == expected == {tickets[0].pk}


def test_capped_count(make_ticket):
    for i in range(4):
        make_ticket(content=f"诉求{i}")
    assert capped_count(Ticket.objects.all(), cap=10) == (4, False)
    assert capped_count(Ticket.objects.all(), cap=3) == (3, True)


def test_capped_counts_in_one_query(make_ticket, django_assert_num_queries):
    for i in range(4):
        make_ticket(content=f"诉求{i}")
    from web.lists import capped_counts

    with django_assert_num_queries(1):
        counts = capped_counts({"all": Ticket.objects.all(), "none": Ticket.objects.filter(state="closed")}, cap=3)
    assert counts == {"all": (3, True), "none": (0, False)}
