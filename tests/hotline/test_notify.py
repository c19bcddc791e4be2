"""Subscribers are handed each event once, read with what they need, and one failing does not
silence the others."""
import pytest

from hotline import notify
from hotline.models import TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_recorders():
    """Just this test's subscribers, for the length of the test."""
    saved = notify.subscribers()
    for name in saved:
        notify.unsubscribe(name)
    yield
    for name in notify.subscribers():
        notify.unsubscribe(name)
    for name, subscriber in saved.items():
        notify.subscribe(name, subscriber)


def test_a_batch_of_events_is_read_in_one_query_with_the_ticket_details(people, only_recorders,
                                                                          django_assert_num_queries):
    tickets = [f.dispatched(people, co=False) for _ in range(3)]
    events = list(TicketEvent.objects.filter(ticket__in=tickets).order_by("id").values_list("pk", flat=True))
    seen = []
    notify.subscribe("test.details", notify.each(lambda event: seen.append(
        (event.pk, event.ticket.citizen.phone, event.ticket.lead_unit.name, event.ticket.category))))
    with django_assert_num_queries(1):
        notify.deliver_events(events + [987654321])  # an id without a row is skipped
    assert [pk for pk, *_ in seen] == events
    assert {unit for _, _, unit, _ in seen} == {people["staff_a"].unit.name}


def test_a_failing_subscriber_does_not_stop_the_others(people, only_recorders, caplog):
    event = f.registered(people).events.get(kind="register")
    seen = []
    notify.subscribe("test.broken", lambda events: 1 / 0)
    notify.subscribe("test.working", notify.each(lambda event: seen.append(event.kind)))
    notify.deliver_events([event.pk])
    assert seen == ["register"]
    assert "test.broken failed" in caplog.text


def test_subscribers_are_handed_a_batch_once_and_one_bad_event_does_not_stop_the_rest(people, only_recorders,
                                                                                        caplog):
    tickets = [f.registered(people) for _ in range(3)]
    events = [t.events.get(kind="register").pk for t in tickets]
    batches, handled = [], []

    def picky(event):
        if event.pk == events[1]:
            raise ValueError("this one is broken")
        handled.append(event.pk)

    notify.subscribe("test.batches", lambda batch: batches.append([e.pk for e in batch]))
    notify.subscribe("test.picky", notify.each(picky))
    notify.deliver_events(events)
    assert batches == [events]  # one call, in order
    assert handled == [events[0], events[2]]
    assert f"failed for event {events[1]}" in caplog.text
