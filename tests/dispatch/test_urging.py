"""催办 and 督办: who may, a second 催办 soon after the first must be meant, and how lists count them."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as d
from dispatch.selectors import with_urges
from hotline.clock import frozen_at
from hotline.errors import NotAllowed, RecentlyUrged
from hotline.models import Ticket, TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def urges(ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket, kind="urge").count()


def test_a_second_urge_within_the_window_asks_whether_it_is_meant(people):
    ticket = f.dispatched(people)
    start = timezone.now()
    with frozen_at(start):
        d.ticket_urge(ticket=ticket, actor=people["supervisor"], note="请抓紧")
    with frozen_at(start + dt.timedelta(minutes=12)), pytest.raises(RecentlyUrged) as refused:
        d.ticket_urge(ticket=ticket, actor=people["supervisor"])
    assert refused.value.status_code == 409 and refused.value.code == "recently_urged"
    assert "该工单 12 分钟前已催办" in refused.value.message and refused.value.message.endswith("仍要催办？")
    assert urges(ticket) == 1
    with frozen_at(start + dt.timedelta(minutes=12)):
        d.ticket_urge(ticket=ticket, actor=people["supervisor"], repeat=True)
    assert urges(ticket) == 2


def test_after_the_window_an_urge_goes_without_asking(people, settings):
    settings.HOTLINE_URGE_REPEAT_MINUTES = 10
    ticket = f.dispatched(people)
    start = timezone.now()
    with frozen_at(start):
        d.ticket_urge(ticket=ticket, actor=people["supervisor"])
    with frozen_at(start + dt.timedelta(minutes=10, seconds=1)):
        d.ticket_urge(ticket=ticket, actor=people["supervisor"])
    assert urges(ticket) == 2


def test_a_zero_window_never_asks(people, settings):
    settings.HOTLINE_URGE_REPEAT_MINUTES = 0
    ticket = f.dispatched(people)
    d.ticket_urge(ticket=ticket, actor=people["supervisor"])
    d.ticket_urge(ticket=ticket, actor=people["supervisor"])
    assert urges(ticket) == 2


def test_the_sweeps_own_urge_counts_for_the_window_but_is_never_refused(people):
    ticket = f.dispatched(people)
    d.ticket_urge(ticket=ticket, actor=None, actor_label="系统")
    d.ticket_urge(ticket=ticket, actor=None, actor_label="系统")  # the sweep never asks
    with pytest.raises(RecentlyUrged, match=r"刚刚已催办.*系统"):
        d.ticket_urge(ticket=ticket, actor=people["supervisor"])


def test_the_window_is_per_ticket(people):
    first, second = f.dispatched(people), f.dispatched(people)
    d.ticket_urge(ticket=first, actor=people["supervisor"])
    d.ticket_urge(ticket=second, actor=people["supervisor"])
    assert urges(first) == urges(second) == 1


def test_an_operator_may_neither_urge_nor_supervise(people):
    ticket = f.dispatched(people)
    with pytest.raises(NotAllowed, match="您的角色无权催办"):
        d.ticket_urge(ticket=ticket, actor=people["operator"], repeat=True)
    with pytest.raises(NotAllowed, match="您的角色无权督办"):
        d.ticket_supervise(ticket=ticket, actor=people["operator"])
    assert urges(ticket) == 0


def test_with_urges_counts_each_tickets_urges_and_the_last_time(people, django_assert_num_queries):
    once, twice, never = f.dispatched(people), f.dispatched(people), f.dispatched(people)
    start = timezone.now().replace(microsecond=0)
    with frozen_at(start):
        d.ticket_urge(ticket=once, actor=people["supervisor"])
        d.ticket_urge(ticket=twice, actor=people["supervisor"])
    with frozen_at(start + dt.timedelta(hours=2)):
        d.ticket_urge(ticket=twice, actor=people["supervisor"])
    with django_assert_num_queries(1):
        rows = {t.pk: t for t in with_urges(Ticket.objects.filter(pk__in=[once.pk, twice.pk, never.pk]))}
    assert (rows[once.pk].urge_count, rows[once.pk].last_urged_at) == (1, start)
    assert (rows[twice.pk].urge_count, rows[twice.pk].last_urged_at) == (2, start + dt.timedelta(hours=2))
    assert (rows[never.pk].urge_count, rows[never.pk].last_urged_at) == (0, None)
