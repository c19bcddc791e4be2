"""Issue 16 item 5: two-level dispatch (二级派单). A unit holding a ticket hands it down to a
sub-unit of its tree, keeps oversight, and reviews the sub-unit's reply before replying upward."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as d
from dispatch.models import Assignment
from dispatch.selectors import ticket_actions_for, unit_inbox
from dispatch.visibility import ticket_audience, ticket_visible_to
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import Role, Ticket, TicketEvent, TicketState, Unit
from tests import factories as f
from tests.conftest import make_user

# 办结审核 is its own tests' business (tests/dispatch/test_reply_review.py): here a lead reply is final.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_reply_review")]

TOWN_REPLY = "城关镇已组织物业和业主代表现场查看，楼上管道已更换，漏水已停止，业主表示认可。"
COUNTY_REPLY = "经县住建局核实，城关镇已督促物业更换楼上破损管道，漏水问题已解决，市民表示满意。"


@pytest.fixture
def town(unit_a) -> Unit:
    """A town (乡镇) under the county bureau, unit A."""
    return Unit.objects.create(name="城关镇", code="cgz", kind=Unit.Kind.TOWN, parent=unit_a,
                               head_name="秦镇长", head_phone="13900000011")


@pytest.fixture
def staff_town(town):
    return make_user("staff_town", Role.UNIT_STAFF, town, display_name="城关镇办事员")


@pytest.fixture
def other_town(unit_b) -> Unit:
    """A town under unit B: not below unit A."""
    return Unit.objects.create(name="槐店镇", code="hdz", kind=Unit.Kind.TOWN, parent=unit_b)


def handed_down(people, town, **extra):
    """Unit A leads and has signed; it hands the ticket down to the town."""
    ticket = f.in_progress(people, co=False, **extra)
    part = d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town, note="请现场核实后回复")
    return f.fresh(ticket), part


def test_a_lead_unit_hands_down_to_its_town_and_the_ticket_state_stays(people, town, staff_town):
    ticket, part = handed_down(people, town)
    assert ticket.state == TicketState.IN_PROGRESS
    assert (part.role, part.state, part.parent.unit_id) == (Assignment.Role.SUB, "pending", people["staff_a"].unit_id)
    assert part.due_at < ticket.due_at and part.warn_at < part.due_at  # its own deadline, before the parent's
    event = TicketEvent.objects.filter(ticket=ticket, kind="hand_down").get()
    assert event.payload["sub_unit"] == "城关镇" and event.payload["note"] == "请现场核实后回复"
    # The town sees it, in its inbox; push reaches it (the audience is the visibility rule).
    assert ticket_visible_to(staff_town, ticket)
    assert ticket.pk in set(unit_inbox(staff_town).values_list("pk", flat=True))
    assert town.pk in ticket_audience(ticket).unit_ids
    assert ticket_actions_for(staff_town, ticket) == ["sign"]
    assert "hand-down-withdraw" in ticket_actions_for(people["staff_a"], ticket)


def test_the_town_head_gets_the_new_assignment_sms(people, town, committed):
    from sms_gateway.models import Message

    with committed():
        ticket, part = handed_down(people, town)
    sms = Message.objects.get(kind="unit_handed_down")
    assert sms.to_number.endswith("13900000011")
    assert "县住房和城乡建设局转来工单" in sms.body and ticket.number in sms.body
    assert timezone.localtime(part.due_at).strftime("%m月%d日") in sms.body


def test_only_a_descendant_and_active_unit_may_be_handed_down_to(people, town, other_town, unit_b):
    ticket = f.in_progress(people, co=False)
    for wrong in (other_town, unit_b, people["staff_a"].unit):
        with pytest.raises(NotAllowed) as refused:
            d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=wrong)
        assert refused.value.field == "unit" and "下级单位" in refused.value.message
    Unit.objects.filter(pk=town.pk).update(is_active=False)
    town.refresh_from_db()
    with pytest.raises(InvalidInput, match="已停用"):
        d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town)


def test_a_unit_hands_down_only_what_it_holds_and_has_signed(people, town, staff_town):
    dispatched = f.dispatched(people, co=False)
    with pytest.raises(Conflict, match="请先签收"):
        d.ticket_hand_down(ticket=dispatched, actor=people["staff_a"], unit=town)
    with pytest.raises(NotAllowed):  # unit B has no part in it
        d.ticket_hand_down(ticket=dispatched, actor=people["staff_b"], unit=town)
    ticket, part = handed_down(people, town)
    d.ticket_sign(ticket=ticket, actor=staff_town)
    with pytest.raises(NotAllowed, match="下级承办单位不能"):  # two levels, no more
        d.ticket_hand_down(ticket=ticket, actor=staff_town, unit=town)
    with pytest.raises(NotAllowed, match="下级承办单位不能"):  # nor review or withdraw anything
        d.ticket_hand_down_withdraw(ticket=ticket, actor=staff_town, part=part.pk)
    with pytest.raises(Conflict, match="已在办理") as twice:
        d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town)
    assert twice.value.code == "already_assigned"


def test_the_sub_deadline_is_never_later_than_the_parents(people, town):
    ticket = f.in_progress(people, co=False)
    later = ticket.due_at + dt.timedelta(minutes=1)
    with pytest.raises(Conflict, match="不能晚于本单位的办理时限") as refused:
        d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town, due_at=later)
    assert refused.value.field == "due_at"
    with pytest.raises(Conflict, match="须晚于现在"):
        d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town,
                           due_at=timezone.now() - dt.timedelta(hours=1))
    # A day means its end: the parent's own last day is allowed (its deadline is that day's end).
    last_day = timezone.localtime(ticket.due_at).date()
    part = d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town, due_at=last_day)
    assert part.due_at == ticket.due_at


def test_a_co_units_sub_deadline_is_bounded_by_the_co_parts_own(people, unit_b):
    station = Unit.objects.create(name="县交通局城关站", code="jtj-cg", parent=unit_b)
    ticket = f.in_progress(people, co_signed=True)
    co_part = Assignment.objects.get(ticket=ticket, unit=unit_b)
    assert co_part.due_at < ticket.due_at
    with pytest.raises(Conflict, match="不能晚于本单位的办理时限"):
        d.ticket_hand_down(ticket=ticket, actor=people["staff_b"], unit=station, due_at=ticket.due_at)
    part = d.ticket_hand_down(ticket=ticket, actor=people["staff_b"], unit=station)
    assert part.due_at <= co_part.due_at and part.parent == co_part


def test_the_town_signs_and_replies_to_the_county_unit_not_the_centre(people, town, staff_town):
    ticket, part = handed_down(people, town)
    d.ticket_sign(ticket=ticket, actor=staff_town)
    reply = d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY)
    ticket.refresh_from_db()
    part.refresh_from_db()
    assert ticket.state == TicketState.IN_PROGRESS and not reply.is_lead  # the centre hears nothing yet
    assert part.state == Assignment.State.REPLIED and part.accepted_at is None
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds[-2:] == ["hand_down_signed", "hand_down_replied"]
    event = TicketEvent.objects.get(ticket=ticket, kind="hand_down_replied")
    assert event.payload["parent_unit"] == people["staff_a"].unit.name and event.payload["text"] == TOWN_REPLY
    assert ticket.pk not in set(unit_inbox(staff_town).values_list("pk", flat=True))  # its part is done
    assert people["staff_a"].unit_id in ticket_audience(ticket).unit_ids  # the parent gets the push
    assert "hand-down-review" in ticket_actions_for(people["staff_a"], ticket)


def test_the_parent_accepts_then_replies_upward(people, town, staff_town):
    ticket, part = handed_down(people, town)
    d.ticket_sign(ticket=ticket, actor=staff_town)
    d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY)
    accepted = d.ticket_hand_down_review(ticket=ticket, actor=people["staff_a"], part=part.pk, accept=True)
    assert accepted.accepted_at is not None and accepted.state == Assignment.State.REPLIED
    with pytest.raises(Conflict, match="已审核"):
        d.ticket_hand_down_review(ticket=ticket, actor=people["staff_a"], part=part.pk, accept=True)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=COUNTY_REPLY)  # settled: no confirmation
    assert f.fresh(ticket).state == TicketState.REPLIED


def test_the_parent_sends_the_reply_back_with_a_reason(people, town, staff_town):
    ticket, part = handed_down(people, town)
    d.ticket_sign(ticket=ticket, actor=staff_town)
    d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY)
    with pytest.raises(InvalidInput) as no_reason:
        d.ticket_hand_down_review(ticket=ticket, actor=people["staff_a"], part=part.pk, accept=False)
    assert no_reason.value.field == "reason"
    back = d.ticket_hand_down_review(ticket=ticket, actor=people["staff_a"], part=part.pk, accept=False,
                                     reason="请补充管道更换的时间和业主签字确认情况")
    assert back.state == Assignment.State.SIGNED and back.replied_at is None and back.due_at == part.due_at
    assert ticket.pk in set(unit_inbox(staff_town).values_list("pk", flat=True))  # back in its inbox
    event = TicketEvent.objects.get(ticket=ticket, kind="hand_down_sent_back")
    assert event.payload["reason"].startswith("请补充")
    assert ticket_actions_for(staff_town, ticket) == ["reply"]
    d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY + "管道于本周二更换，业主已签字确认。")
    assert Assignment.objects.get(pk=part.pk).state == Assignment.State.REPLIED


def test_the_parent_withdraws_the_hand_down(people, town, staff_town):
    ticket, part = handed_down(people, town)
    gone = d.ticket_hand_down_withdraw(ticket=ticket, actor=people["staff_a"], part=part.pk, reason="本单位直接办理")
    assert (gone.state, gone.is_current) == (Assignment.State.CANCELLED, False)
    assert ticket.pk not in set(unit_inbox(staff_town).values_list("pk", flat=True))
    assert ticket_visible_to(staff_town, ticket)  # its history stays readable
    with pytest.raises(Conflict, match="不能收回"):
        d.ticket_hand_down_withdraw(ticket=ticket, actor=people["staff_a"], part=part.pk)
    with pytest.raises(Conflict, match="不由本单位承办"):  # the town's part is gone
        d.ticket_sign(ticket=ticket, actor=staff_town)
    # …and the parent may hand it down again.
    again = d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=town)
    assert again.pk != part.pk and again.is_current


def test_the_parent_must_confirm_replying_past_an_unsettled_sub_part(people, town, staff_town):
    ticket, part = handed_down(people, town)
    with pytest.raises(Conflict) as refused:
        d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=COUNTY_REPLY)
    assert refused.value.code == "sub_parts_open" and "城关镇（尚未签收）" in refused.value.message
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=COUNTY_REPLY, confirm_open_sub_parts=True)
    assert Assignment.objects.get(pk=part.pk).state == Assignment.State.CLOSED
    reply = TicketEvent.objects.get(ticket=ticket, kind="reply")
    assert reply.payload["closed_sub_units"] == ["城关镇"]


@pytest.mark.parametrize("leaves", ["return", "merge", "invalid"])
def test_open_sub_parts_end_when_the_ticket_leaves_the_unit(people, town, staff_town, leaves):
    ticket, part = handed_down(people, town)
    if leaves == "return":
        d.ticket_return(ticket=ticket, actor=people["staff_a"], reason_code="not_ours", reason="不属于本单位职责")
        d.ticket_return_accept(ticket=ticket, actor=people["supervisor"], note="同意退单")
    elif leaves == "merge":
        d.ticket_merge(ticket=ticket, into=f.registered(people), actor=people["operator"], reason="重复")
    else:
        d.ticket_mark_invalid(ticket=ticket, actor=people["operator"], reason="无效来电")
    part.refresh_from_db()
    assert part.state in (Assignment.State.CANCELLED, Assignment.State.CLOSED) and part.ended_at
    assert ticket.pk not in set(unit_inbox(staff_town).values_list("pk", flat=True))
    with pytest.raises(Conflict):
        d.ticket_sign(ticket=ticket, actor=staff_town)


def test_a_co_units_sub_part_ends_when_the_ticket_closes(people, unit_b):
    station = Unit.objects.create(name="县交通局城关站", code="jtj-cg", parent=unit_b)
    ticket = f.in_progress(people, co_signed=True)
    part = d.ticket_hand_down(ticket=ticket, actor=people["staff_b"], unit=station)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=COUNTY_REPLY, confirm_absent_co_units=True)
    d.survey_record(ticket=ticket, result="satisfied", actor=people["operator"])
    assert Assignment.objects.get(pk=part.pk).state == Assignment.State.CLOSED
    closed = TicketEvent.objects.get(ticket=ticket, kind="co_parts_closed")
    assert closed.payload["closed_sub_units"] == ["县交通局城关站"]


def test_the_sub_units_reply_needs_a_signature_and_the_ticket_in_hand(people, town, staff_town):
    ticket, _ = handed_down(people, town)
    with pytest.raises(Conflict, match="请先签收"):
        d.ticket_reply(ticket=ticket, actor=staff_town, text=TOWN_REPLY)


def test_units_above_see_the_sub_part_and_others_do_not(people, town, staff_town, county):
    ticket, _ = handed_down(people, town)
    county_staff = make_user("county_staff", Role.UNIT_STAFF, county)
    assert ticket_visible_to(county_staff, ticket)
    assert not ticket_visible_to(people["outsider"], ticket)
    assert not ticket_visible_to(people["staff_b"], f.in_progress(people, co=False))
    assert Ticket.objects.count() == 2


def test_the_whole_path_through_the_api(api, people, town, staff_town):
    ticket = f.in_progress(people, co=False)
    county, townsman = api(people["staff_a"]), api(staff_town)
    late = county.post(f"/api/tickets/{ticket.pk}/hand-down/",
                       {"unit": town.pk, "due_at": (ticket.due_at + dt.timedelta(days=1)).isoformat()}, format="json")
    assert late.status_code == 409 and late.json()["error"]["field"] == "due_at"
    wrong = county.post(f"/api/tickets/{ticket.pk}/hand-down/", {"unit": people["staff_b"].unit_id}, format="json")
    assert wrong.status_code == 403 and wrong.json()["error"]["field"] == "unit"
    body = county.post(f"/api/tickets/{ticket.pk}/hand-down/", {"unit": town.pk, "note": "请现场核实"},
                       format="json").json()
    [sub] = [a for a in body["assignments"] if a["role"] == "sub"]
    assert sub["unit"] == town.pk and sub["light"] == "green" and sub["note"] == "请现场核实" and sub["parent"]
    assert townsman.post(f"/api/tickets/{ticket.pk}/sign/").status_code == 200
    assert townsman.post(f"/api/tickets/{ticket.pk}/reply/", {"text": TOWN_REPLY}, format="json").status_code == 200
    early = county.post(f"/api/tickets/{ticket.pk}/reply/", {"text": COUNTY_REPLY}, format="json")
    assert early.status_code == 409 and early.json()["error"]["code"] == "sub_parts_open"
    back = county.post(f"/api/tickets/{ticket.pk}/hand-down-review/",
                       {"part": sub["id"], "accept": False}, format="json")
    assert back.status_code == 400 and back.json()["error"]["field"] == "reason"
    back = county.post(f"/api/tickets/{ticket.pk}/hand-down-review/",
                       {"part": sub["id"], "accept": False, "reason": "请补充业主签字确认情况"}, format="json")
    assert back.status_code == 200 and "reply" in townsman.get(f"/api/tickets/{ticket.pk}/").json()["actions"]
    townsman.post(f"/api/tickets/{ticket.pk}/reply/", {"text": TOWN_REPLY + "业主已签字确认。"}, format="json")
    ok = county.post(f"/api/tickets/{ticket.pk}/hand-down-review/", {"part": sub["id"], "accept": True},
                     format="json")
    assert ok.status_code == 200 and "hand-down-review" not in ok.json()["actions"]
    assert county.post(f"/api/tickets/{ticket.pk}/reply/", {"text": COUNTY_REPLY},
                       format="json").json()["state"] == "replied"


def test_the_schema_lists_the_hand_down_actions(api, people):
    schema = api(people["supervisor"]).get("/api/schema/").content.decode()
    for path in ("hand-down/", "hand-down-review/", "hand-down-withdraw/", "confirm_open_sub_parts"):
        assert path in schema


def test_an_overdue_parent_still_hands_down_with_its_own_deadline(people, town):
    ticket = f.in_progress(people, co=False)
    past = timezone.now() - dt.timedelta(hours=2)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=past, warn_at=past - dt.timedelta(hours=5))
    part = d.ticket_hand_down(ticket=f.fresh(ticket), actor=people["staff_a"], unit=town)
    assert part.due_at == past  # red from the start, as its parent
