"""pk__seen_through: tickets seen through a side door, and how a page splits on it."""
import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Coalesce

from hotline.lookups import SPLIT_MAX_IDS, split_doors
from hotline.models import Ticket
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]


def doors(side_ids, unit_id=1):
    return Ticket.objects.filter(Q(lead_unit_id=unit_id) | Q(pk__seen_through=side_ids), ticket_type="help")


def test_seen_through_finds_the_named_tickets_and_nothing_when_none_are_named(people):
    tickets = [f.registered(people) for _ in range(3)]
    assert set(Ticket.objects.filter(pk__seen_through=[tickets[0].pk, tickets[2].pk])) == {tickets[0], tickets[2]}
    assert list(Ticket.objects.filter(pk__seen_through=[])) == []
    sql = str(Ticket.objects.filter(pk__seen_through=[1, 2, 3]).query)
    if connection.vendor == "postgresql":  # one array parameter, however many ids
        assert "= ANY(" in sql and "IN (" not in sql


def test_a_page_splits_into_theirs_and_seen_through_keeping_every_other_condition():
    own, seen = split_doors(doors([7, 8, 9]).order_by("-created_at", "-id")[:20].query)
    assert "SeenThrough" not in repr(own.where) and "SeenThrough" in repr(seen.where)
    assert "lead_unit" in repr(own.where) and "lead_unit" not in repr(seen.where)
    assert "ticket_type" in str(own) and "ticket_type" in str(seen)
    assert own.order_by == ("-created_at", "-id") and (own.low_mark, own.high_mark) == (0, 20)
    assert all(isinstance(order.expression, Coalesce) for order in seen.order_by)


def test_no_split_without_a_side_door_or_past_the_ids_a_sort_can_afford():
    assert split_doors(Ticket.objects.filter(lead_unit_id=1, ticket_type="help").query) is None
    assert split_doors(Ticket.objects.filter(Q(pk__seen_through=[1]) | Q(pk__seen_through=[2])).query) is None
    assert split_doors(doors(list(range(1, SPLIT_MAX_IDS + 2))).query) is None
    assert split_doors(doors(list(range(1, SPLIT_MAX_IDS + 1))).query) is not None
