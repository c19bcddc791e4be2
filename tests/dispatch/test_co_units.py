"""A co-unit's part: in its inbox until it replies, in its list for good, ended when the ticket closes."""
import pytest

from dispatch import services as d
from dispatch.models import Assignment
from tests import factories as f

pytestmark = pytest.mark.django_db


def co_part(ticket) -> Assignment:
    return Assignment.objects.get(ticket=ticket, role=Assignment.Role.CO)


def ids(client, path: str) -> set[int]:
    return {row["id"] for row in client.get(path).json()["results"]}


@pytest.mark.parametrize("closing", ["callback", "without_callback"])
def test_a_closed_ticket_ends_the_co_units_unfinished_part_and_stays_in_its_list(api, people, closing):
    ticket = f.replied(people)  # lead unit A replied; co-unit B never signed
    assert co_part(ticket).state == Assignment.State.PENDING
    if closing == "callback":
        d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"])
    else:
        d.ticket_close_without_callback(ticket=ticket, actor=people["supervisor"], note="三次未接通")
    assert co_part(ticket).state == Assignment.State.CANCELLED
    b = api(people["staff_b"])
    assert ticket.pk in ids(b, "/api/tickets/") and ticket.pk not in ids(b, "/api/inbox/")


def test_a_co_unit_reply_takes_the_ticket_out_of_its_inbox_only(api, people):
    ticket = f.in_progress(people, co_signed=True)
    b = api(people["staff_b"])
    assert ticket.pk in ids(b, "/api/inbox/")
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text="已配合完成围挡")
    assert co_part(ticket).state == Assignment.State.REPLIED
    assert ticket.pk not in ids(b, "/api/inbox/") and ticket.pk in ids(b, "/api/tickets/")
    assert ticket.pk in ids(api(people["staff_a"]), "/api/inbox/")  # the lead unit is still on it


def test_a_pending_co_part_on_a_ticket_the_lead_has_replied_is_not_in_the_co_units_inbox(api, people):
    """The inbox's co-unit lookup reads the unfinished parts alone; the page's state condition
    drops a ticket no longer being handled (here: replied, awaiting the callback)."""
    ticket = f.replied(people)
    assert co_part(ticket).state == Assignment.State.PENDING
    b = api(people["staff_b"])
    assert ticket.pk not in ids(b, "/api/inbox/") and ticket.pk in ids(b, "/api/tickets/")
    other = f.in_progress(people, co_signed=True)  # while a ticket still being handled is there
    assert other.pk in ids(b, "/api/inbox/")
