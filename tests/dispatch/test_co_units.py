"""A co-unit's part: in its inbox until it replies, in its list for good. The lead cannot reply
past an unanswered co-unit without saying so, and the co-unit's part ends when the ticket closes."""
import pytest

from dispatch import services as d
from dispatch.models import Assignment, Reply
from hotline.errors import Conflict
from hotline.models import Ticket, TicketEvent
from hotline.selectors import ticket_timeline
from tests import factories as f
from web.timeline import staff_lines

pytestmark = pytest.mark.django_db
# The co-unit rules, on a type whose replies the centre does not review (求助): the lead's reply is
# the "reply" event at once (tests/dispatch/test_reply_review.py has co-units with review).
HELP = "help"
WORK = "已安排维修人员更换破损水管并修补墙面，经回访市民确认已不再漏水。"
CO_WORK = "交通局已在施工路段设置围挡和警示标志，并安排专人值守疏导交通。"


def co_part(ticket) -> Assignment:
    return Assignment.objects.get(ticket=ticket, role=Assignment.Role.CO)


def ids(client, path: str) -> set[int]:
    return {row["id"] for row in client.get(path).json()["results"]}


def events(ticket, kind: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("id"))


# --- the lead replying while co-units have not answered ----------------------------------

def test_the_lead_cannot_reply_past_an_unsigned_co_unit_without_confirming(people):
    ticket = f.in_progress(people, ticket_type=HELP)  # co-unit B never signed
    with pytest.raises(Conflict) as refused:
        d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=WORK)
    assert refused.value.code == "co_units_unanswered"
    assert refused.value.field == "confirm_absent_co_units"
    assert f"{people['staff_b'].unit.name}（尚未签收）" in refused.value.message
    assert f.fresh(ticket).state == "in_progress" and not Reply.objects.filter(ticket=ticket).exists()
    assert not events(ticket, "reply")


def test_a_confirmed_lead_reply_records_which_co_units_had_not_answered(people):
    ticket = f.in_progress(people, ticket_type=HELP)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=WORK, confirm_absent_co_units=True)
    assert f.fresh(ticket).state == "replied"
    [reply] = events(ticket, "reply")
    unit_b = people["staff_b"].unit
    assert reply.payload["absent_co_units"] == [unit_b.name]
    assert reply.payload["absent_co_unit_ids"] == [unit_b.pk]
    line = next(line for line in staff_lines(ticket_timeline(ticket)) if line.kind == "reply")
    assert f"未答复的协办单位：{unit_b.name}" in line.detail


def test_a_signed_but_silent_co_unit_is_named_as_not_yet_answered(people):
    ticket = f.in_progress(people, ticket_type=HELP, co_signed=True)
    with pytest.raises(Conflict) as refused:
        d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=WORK)
    assert f"{people['staff_b'].unit.name}（已签收，尚未答复）" in refused.value.message


def test_once_the_co_unit_has_given_its_opinion_the_lead_replies_without_a_confirmation(people):
    ticket = f.in_progress(people, ticket_type=HELP, co_signed=True)
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text=CO_WORK)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=WORK)
    [reply] = events(ticket, "reply")
    assert "absent_co_units" not in reply.payload
    assert co_part(ticket).state == Assignment.State.REPLIED


def test_a_ticket_without_co_units_needs_no_confirmation(people):
    ticket = f.in_progress(people, ticket_type=HELP, co=False)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=WORK)
    assert f.fresh(ticket).state == "replied"


def test_the_api_refuses_the_lead_reply_with_409_until_it_confirms(api, people):
    ticket = f.in_progress(people, ticket_type=HELP)
    a = api(people["staff_a"])
    refused = a.post(f"/api/tickets/{ticket.pk}/reply/", {"text": WORK}, format="json")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "co_units_unanswered" and people["staff_b"].unit.name in error["message"]
    assert error["field"] == "confirm_absent_co_units"
    bad = a.post(f"/api/tickets/{ticket.pk}/reply/", {"text": WORK, "confirm_absent_co_units": "maybe"},
                 format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "confirm_absent_co_units"
    done = a.post(f"/api/tickets/{ticket.pk}/reply/", {"text": WORK, "confirm_absent_co_units": True},
                  format="json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "replied"


def test_the_api_takes_the_confirmation_in_a_multipart_reply_too(api, people):
    ticket = f.in_progress(people, ticket_type=HELP)
    a = api(people["staff_a"])
    done = a.post(f"/api/tickets/{ticket.pk}/reply/", {"text": WORK, "confirm_absent_co_units": "true"},
                  format="multipart")
    assert done.status_code == 200, done.content
    assert events(ticket, "reply")[0].payload["absent_co_units"] == [people["staff_b"].unit.name]


# --- the ticket closing ends the co-unit's part -----------------------------------------

def close_by(closing: str, ticket, people) -> None:
    if closing == "callback":
        d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"])
    elif closing == "sms_callback":
        d.survey_record(ticket=ticket, result="basic", actor_label="市民（短信回复）", method="sms")
    elif closing == "without_callback":
        d.ticket_close_without_callback(ticket=ticket, actor=people["supervisor"], note="三次未接通")
    elif closing == "merge":
        into = f.registered(people, title="同一处漏水")
        d.ticket_merge(ticket=ticket, into=into, actor=people["supervisor"], reason="重复诉求")
    else:
        d.ticket_mark_invalid(ticket=ticket, actor=people["supervisor"], reason="恶意骚扰")


@pytest.mark.parametrize("closing", ["callback", "sms_callback", "without_callback"])
def test_a_closed_ticket_closes_the_co_units_unanswered_part_with_an_event(api, people, closing):
    ticket = f.replied(people)  # lead unit A replied; co-unit B never signed
    assert co_part(ticket).state == Assignment.State.PENDING
    close_by(closing, ticket, people)
    part = co_part(ticket)
    assert part.state == Assignment.State.CLOSED and part.ended_at is not None
    [closed] = events(ticket, "co_parts_closed")
    assert closed.payload["co_units"] == [people["staff_b"].unit.name]
    assert closed.actor_label == ("系统" if closing == "sms_callback" else str(closed.actor))
    b = api(people["staff_b"])
    assert ticket.pk in ids(b, "/api/tickets/") and ticket.pk not in ids(b, "/api/inbox/")


@pytest.mark.parametrize("closing", ["merge", "invalid"])
def test_merging_or_invalidating_a_ticket_in_hand_closes_the_co_units_part(api, people, closing):
    ticket = f.in_progress(people, ticket_type=HELP, co_signed=True)
    b = api(people["staff_b"])
    assert ticket.pk in ids(b, "/api/inbox/")
    close_by(closing, ticket, people)
    part = co_part(ticket)
    assert part.state == Assignment.State.CLOSED and not part.is_current
    assert [e.payload["co_units"] for e in events(ticket, "co_parts_closed")] == [[people["staff_b"].unit.name]]
    assert ticket.pk not in ids(b, "/api/inbox/") and ticket.pk in ids(b, "/api/tickets/")
    lead = Assignment.objects.get(ticket=ticket, role=Assignment.Role.LEAD)
    assert lead.state == Assignment.State.CANCELLED  # the lead's unfinished part is withdrawn as before


def test_a_co_unit_that_answered_keeps_its_reply_when_the_ticket_closes(people):
    ticket = f.in_progress(people, ticket_type=HELP, co_signed=True)
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text=CO_WORK)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=WORK)
    d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"])
    assert co_part(ticket).state == Assignment.State.REPLIED
    assert not events(ticket, "co_parts_closed")


def test_a_dissatisfied_callback_reopens_and_withdraws_the_co_part_without_closing_it(people):
    ticket = f.replied(people)
    d.survey_record(ticket=ticket, result="dissatisfied", actor=people["operator"])
    assert Ticket.objects.get(pk=ticket.pk).state == "reopened"
    assert co_part(ticket).state == Assignment.State.CANCELLED
    assert not events(ticket, "co_parts_closed")


def test_the_closing_shows_on_the_timeline(people):
    ticket = f.replied(people)
    d.ticket_close_without_callback(ticket=ticket, actor=people["supervisor"], note="三次未接通")
    line = next(line for line in staff_lines(ticket_timeline(ticket)) if line.kind == "co_parts_closed")
    assert line.label == "协办结束" and people["staff_b"].unit.name in line.detail


# --- inbox and list --------------------------------------------------------------------

def test_a_co_unit_reply_takes_the_ticket_out_of_its_inbox_only(api, people):
    ticket = f.in_progress(people, ticket_type=HELP, co_signed=True)
    b = api(people["staff_b"])
    assert ticket.pk in ids(b, "/api/inbox/")
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text=CO_WORK)
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
    other = f.in_progress(people, ticket_type=HELP, co_signed=True)  # while a ticket still being handled is there
    assert other.pk in ids(b, "/api/inbox/")
