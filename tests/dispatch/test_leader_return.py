"""领导退回: the leader a ticket was reported to sends it back to the office with a reason."""
import pytest

from dispatch import services as d
from dispatch.selectors import leader_return_pending, leader_returns_waiting, ticket_actions_for
from dispatch.visibility import ticket_audience, ticket_visible_to
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def reported(people, note="涉及多个部门，建议由住建局牵头"):
    ticket = f.registered(people)
    return d.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"],
                                        note=note)


def test_the_leader_returns_a_reported_ticket_to_the_office_with_the_reason(people):
    ticket = reported(people)
    returned = d.ticket_leader_return(ticket=ticket, actor=people["leader"], reason="情况不清，请先核实现场")
    assert returned.state == "registered" and returned.leader_id is None
    event = TicketEvent.objects.filter(ticket=ticket).order_by("-id").first()
    assert event.kind == "leader_return" and event.from_state == "pending_approval"
    assert event.payload["reason"] == "情况不清，请先核实现场"
    assert event.payload["submit_note"] == "涉及多个部门，建议由住建局牵头"
    assert [e.ticket_id for e in leader_returns_waiting()] == [ticket.pk]
    assert leader_return_pending(f.fresh(ticket)).pk == event.pk
    # It is back in the office's queue, where the supervisor may report it again.
    assert "submit-for-approval" in ticket_actions_for(people["supervisor"], f.fresh(ticket))


def test_a_reopened_ticket_goes_back_to_reopened(people):
    ticket = f.replied(people)
    d.survey_record(ticket=ticket, result="dissatisfied", actor=people["operator"])
    d.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"])
    returned = d.ticket_leader_return(ticket=ticket, actor=people["leader"], reason="请热线办直接重新派单")
    assert returned.state == "reopened"
    assert TicketEvent.objects.filter(ticket=ticket).order_by("-id").first().kind == "leader_return_reopened"
    assert [e.ticket_id for e in leader_returns_waiting()] == [ticket.pk]


def test_the_return_leaves_the_office_queue_of_returns_once_the_office_acts(people):
    ticket = reported(people)
    d.ticket_leader_return(ticket=ticket, actor=people["leader"], reason="请补充材料")
    d.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"],
                                 note="已补充现场照片")
    assert list(leader_returns_waiting()) == []
    assert leader_return_pending(f.fresh(ticket)) is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_needs_a_reason(people, reason):
    ticket = reported(people)
    with pytest.raises(InvalidInput) as refused:
        d.ticket_leader_return(ticket=ticket, actor=people["leader"], reason=reason)
    assert refused.value.field == "reason"
    assert f.fresh(ticket).state == "pending_approval"


def test_only_the_leader_it_was_reported_to_may_return_it(people):
    ticket = reported(people)
    with pytest.raises(NotAllowed):
        d.ticket_leader_return(ticket=ticket, actor=people["other_leader"], reason="不同意")
    with pytest.raises(NotAllowed):
        d.ticket_leader_return(ticket=ticket, actor=people["supervisor"], reason="不同意")
    assert f.fresh(ticket).state == "pending_approval"


def test_an_instructed_ticket_cannot_be_returned(people):
    ticket = reported(people)
    d.ticket_instruct(ticket=ticket, actor=people["leader"], text="同意")
    # Instructing keeps the leader on the ticket; the state no longer allows a return.
    with pytest.raises(Conflict):
        d.ticket_leader_return(ticket=ticket, actor=people["leader"], reason="改主意了")


def test_after_a_return_the_push_audience_still_matches_who_may_see_it(people):
    """The only way back into 登记 keeps ticket_audience's short cut true (no leader, no unit)."""
    ticket = reported(people)
    returned = d.ticket_leader_return(ticket=ticket, actor=people["leader"], reason="请核实")
    audience = ticket_audience(returned)
    for name, user in people.items():
        in_audience = (user.role in audience.roles or user.pk in audience.leader_ids
                       or (user.unit_id or 0) in audience.unit_ids)
        assert in_audience == ticket_visible_to(user, returned), name


def test_the_api_lets_the_leader_return_it_and_lists_the_action(api, people):
    ticket = reported(people)
    leader = api(people["leader"])
    assert "leader-return" in leader.get(f"/api/tickets/{ticket.pk}/").json()["actions"]
    empty = leader.post(f"/api/tickets/{ticket.pk}/leader-return/", {"reason": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "reason"
    done = leader.post(f"/api/tickets/{ticket.pk}/leader-return/", {"reason": "请先核实"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "registered"
    # The ticket is no longer the leader's to see or act on.
    again = leader.post(f"/api/tickets/{ticket.pk}/leader-return/", {"reason": "请先核实"}, format="json")
    assert again.status_code == 404


def test_the_openapi_schema_documents_the_return_and_the_reply_confirmation(api, people):
    import yaml

    schema = yaml.safe_load(api(people["operator"]).get("/api/schema/").content)
    operation = schema["paths"]["/api/tickets/{id}/leader-return/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][body]["required"] == ["reason"]
    reply = schema["paths"]["/api/tickets/{id}/reply/"]["post"]["requestBody"]["content"]
    for content in reply.values():
        name = content["schema"]["$ref"].rsplit("/", 1)[1]
        field = schema["components"]["schemas"][name]["properties"]["confirm_absent_co_units"]
        assert field["type"] == "boolean" and "co_units_unanswered" in field["description"]
