"""One visibility rule: the push audience of a ticket (dispatch.visibility.ticket_audience, as
channel groups) reaches exactly the people tickets_visible_to lets see it, for every role and
every ticket state."""
import pytest

from dispatch import services as d
from dispatch.visibility import ticket_visible_to
from hotline.models import Role, Ticket, TicketState, Unit
from live.groups import groups_for_staff
from live.payloads import staff_groups_for
from tests import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def every_state(people) -> list[Ticket]:
    """One ticket in each state, each made through the services."""
    pending = f.pending(people)
    approved = f.pending(people)
    d.ticket_instruct(ticket=approved, actor=people["leader"], text="同意，请尽快派单")
    returned = f.in_progress(people)
    d.ticket_return(ticket=returned, actor=people["staff_a"], reason_code="not_ours", reason="不属于本单位职责")
    d.ticket_return_accept(ticket=returned, actor=people["supervisor"])
    reopened = f.replied(people)
    d.survey_record(ticket=reopened, result="dissatisfied", actor=people["operator"])
    closed = f.replied(people)
    d.survey_record(ticket=closed, result="satisfied", actor=people["operator"])
    merged = f.dispatched(people)
    d.ticket_merge(ticket=merged, into=f.registered(people), actor=people["operator"], reason="重复")
    invalid = f.registered(people)
    d.ticket_mark_invalid(ticket=invalid, actor=people["operator"], reason="无效来电")
    tickets = [f.registered(people), pending, approved, f.dispatched(people), f.in_progress(people), returned,
               f.reviewing(people), f.replied(people), reopened, closed, merged, invalid, f.suspended(people)]
    return [f.fresh(ticket) for ticket in tickets]


def handed_down_tickets(people, town) -> list[Ticket]:
    """Issue 16 item 5: a ticket handed down to a town below unit A (open, replied and accepted,
    withdrawn), and one whose hand-down ended when unit A returned it."""
    staff_a = people["staff_a"]
    open_part = f.in_progress(people, co=False)
    d.ticket_hand_down(ticket=open_part, actor=staff_a, unit=town)
    withdrawn = f.in_progress(people, co=False)
    part = d.ticket_hand_down(ticket=withdrawn, actor=staff_a, unit=town)
    d.ticket_hand_down_withdraw(ticket=withdrawn, actor=staff_a, part=part.pk)
    returned = f.in_progress(people, co=False)
    d.ticket_hand_down(ticket=returned, actor=staff_a, unit=town)
    d.ticket_return(ticket=returned, actor=staff_a, reason_code="not_ours", reason="不属于本单位职责")
    d.ticket_return_accept(ticket=returned, actor=people["supervisor"], note="同意退单")
    return [f.fresh(t) for t in (open_part, withdrawn, returned)]


def test_push_audience_is_the_visibility_rule_for_every_role_and_state(people, county, settings):
    admin = make_user("admin", Role.ADMIN)
    county_staff = make_user("county_staff", Role.UNIT_STAFF, county)  # above unit A and unit B
    superuser = make_user("root", Role.OPERATOR, is_superuser=True)
    town = Unit.objects.create(name="城关镇", code="cgz", kind=Unit.Kind.TOWN, parent=people["staff_a"].unit)
    town_staff = make_user("town_staff", Role.UNIT_STAFF, town)  # issue 16: a sub-unit of unit A
    everyone = [*people.values(), admin, county_staff, superuser, town_staff]
    tickets = every_state(people) + handed_down_tickets(people, town)
    assert all(ticket_visible_to(town_staff, t) for t in tickets[-3:])
    assert {ticket.state for ticket in tickets} == set(TicketState.values)
    for ticket in tickets:
        audience = staff_groups_for(ticket)
        for user in everyone:
            reaches = bool(audience & set(groups_for_staff(user)))
            assert reaches == ticket_visible_to(user, ticket), (user.username, ticket.state)
    assert Unit.objects.filter(parent=county).count() >= 3
