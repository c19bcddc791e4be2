"""改派 (issue 16, item 2): the centre gives a ticket a unit holds to another unit, with a reason.
The old unit keeps a read-only history; the new unit gets a fresh deadline per policy."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dispatch import services as d
from dispatch.deadlines import deadlines_from, limits_for_ticket
from dispatch.models import Assignment, ExtensionRequest, LightTimer, TicketReturn
from dispatch.selectors import unit_done_parts, unit_inbox
from hotline.clock import frozen_at
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import TicketEvent
from live import groups
from live.payloads import staff_groups_for
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def reassign(people, ticket, *, to="outsider", co=(), who="supervisor", reason="职责调整，改由文旅局办理"):
    return d.ticket_reassign(ticket=ticket, actor=people[who], lead_unit=people[to].unit,
                             co_units=[people[c].unit for c in co], reason=reason)


@pytest.mark.parametrize("factory", [f.dispatched, f.in_progress])
def test_reassigning_gives_the_new_unit_a_fresh_deadline_and_ends_the_old_parts(people, factory):
    with frozen_at(at("2026-03-02 10:00")):
        ticket = factory(people)  # A lead, B co-unit
    with frozen_at(at("2026-03-04 16:00")):
        moved = reassign(people, ticket, co=["staff_b"])
        expected = deadlines_from(at("2026-03-04 16:00"), limits_for_ticket(moved))
    assert (moved.state, moved.lead_unit_id) == ("dispatched", people["outsider"].unit_id)
    assert (moved.dispatched_at, moved.due_at, moved.warn_at, moved.sign_due_at, moved.signed_at) == (
        at("2026-03-04 16:00"), expected.due_at, expected.warn_at, expected.sign_due_at, None)
    assert set(LightTimer.objects.filter(ticket=ticket).values_list("light", "fires_at")) == {
        ("yellow", expected.warn_at), ("red", expected.due_at)}
    old = Assignment.objects.filter(ticket=ticket, round=1)
    assert {(a.unit_id, a.state, a.is_current) for a in old} == {
        (people["staff_a"].unit_id, "reassigned", False), (people["staff_b"].unit_id, "reassigned", False)}
    assert all(a.ended_at == at("2026-03-04 16:00") for a in old)
    new = Assignment.objects.filter(ticket=ticket, is_current=True)
    assert {(a.unit_id, a.role, a.state, a.round) for a in new} == {
        (people["outsider"].unit_id, "lead", "pending", 2), (people["staff_b"].unit_id, "co", "pending", 2)}
    event = TicketEvent.objects.get(ticket=ticket, kind="reassign")
    held = "dispatched" if factory is f.dispatched else "in_progress"
    assert (event.from_state, event.to_state, event.actor) == (held, "dispatched", people["supervisor"])
    assert event.payload["from_unit_id"] == people["staff_a"].unit_id
    assert event.payload["lead_unit_id"] == people["outsider"].unit_id
    assert event.payload["reason"] == "职责调整，改由文旅局办理"


def test_a_pending_return_and_extension_end_with_a_note(people):
    ticket = f.in_progress(people)
    d.extension_request(ticket=ticket, actor=people["staff_a"], reason="需协调", extra_days=2)
    d.ticket_return(ticket=ticket, actor=people["staff_a"], reason_code="not_ours", reason="非本单位职责")
    reassign(people, ticket)
    assert list(ExtensionRequest.objects.values_list("state", "decision_note")) == [
        ("cancelled", "工单已改派，延期申请自动撤销")]
    assert list(TicketReturn.objects.values_list("state", "decision_note")) == [
        ("cancelled", "工单已改派，退单申请自动撤销")]


def test_a_replied_co_part_stays_replied(people):
    ticket = f.in_progress(people, co_signed=True)
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text="协办意见：已配合主办单位到现场核实并提供了相关台账")
    reassign(people, ticket)
    co = Assignment.objects.get(ticket=ticket, unit=people["staff_b"].unit)
    assert (co.state, co.is_current) == ("replied", False)


def test_the_reason_is_required_and_the_unit_must_change(people):
    ticket = f.dispatched(people)
    with pytest.raises(InvalidInput) as no_reason:
        reassign(people, ticket, reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidInput) as same:
        reassign(people, ticket, to="staff_a")
    assert same.value.field == "lead_unit"
    assert f.fresh(ticket).lead_unit_id == people["staff_a"].unit_id


@pytest.mark.parametrize("factory", [f.registered, f.replied, f.returned, f.with_pending_return])
def test_only_a_ticket_a_unit_holds_is_reassigned(people, factory):
    ticket = factory(people)
    if factory is f.with_pending_return:  # a unit holds it: allowed, the request ends
        assert reassign(people, ticket).state == "dispatched"
        return
    with pytest.raises(Conflict) as refused:
        reassign(people, ticket)
    assert refused.value.code == "state_conflict"
    assert "只有承办单位待签收或办理中的工单可以改派" in refused.value.message


@pytest.mark.parametrize("who", ["operator", "staff_a", "staff_b", "leader"])
def test_only_supervisors_and_admins_reassign(people, who):
    ticket = f.dispatched(people)
    with pytest.raises(NotAllowed):
        reassign(people, ticket, who=who)
    assert not TicketEvent.objects.filter(ticket=ticket, kind="reassign").exists()


def test_the_old_unit_keeps_a_read_only_history(people, api):
    ticket = f.in_progress(people, co=False)
    reassign(people, ticket)
    a = api(people["staff_a"])
    detail = a.get(f"/api/tickets/{ticket.pk}/")
    assert detail.status_code == 200 and detail.json()["actions"] == []
    assert a.get(f"/api/tickets/{ticket.pk}/timeline/").json()[-1]["kind"] == "reassign"
    for action, body in (("sign", None), ("reply", {"text": "已办理"}),
                         ("extensions", {"reason": "x", "extra_days": 1}),
                         ("return", {"reason_code": "not_ours", "reason": "非本单位"})):
        r = a.post(f"/api/tickets/{ticket.pk}/{action}/", body, format="json")
        assert r.status_code == 409, (action, r.content)
        assert r.json()["error"]["message"].startswith("工单已不由本单位承办，不能")
    assert ticket.pk not in set(unit_inbox(people["staff_a"]).values_list("pk", flat=True))
    done = unit_done_parts(people["staff_a"])
    assert [(p.ticket_id, p.state) for p in done] == [(ticket.pk, "reassigned")]
    assert ticket.pk in set(unit_inbox(people["outsider"]).values_list("pk", flat=True))


def test_the_old_unit_is_told_by_push_and_the_new_one_can_act(people, api):
    ticket = f.dispatched(people, co=False)
    moved = reassign(people, ticket)
    audience = staff_groups_for(moved)
    assert groups.unit_group(people["staff_a"].unit_id) in audience
    assert groups.unit_group(people["outsider"].unit_id) in audience
    assert "sign" in api(people["outsider"]).get(f"/api/tickets/{ticket.pk}/").json()["actions"]
    assert api(people["outsider"]).post(f"/api/tickets/{ticket.pk}/sign/").status_code == 200


def test_reassign_through_the_api(people, api):
    ticket = f.in_progress(people)
    sup = api(people["supervisor"])
    r = sup.post(f"/api/tickets/{ticket.pk}/reassign/", {"lead_unit": people["outsider"].unit_id}, format="json")
    assert r.status_code == 400 and r.json()["error"]["field"] == "reason"
    r = sup.post(f"/api/tickets/{ticket.pk}/reassign/", {"lead_unit": people["outsider"].unit_id,
                                                          "reason": "改由文旅局办理"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "dispatched" and body["lead_unit"] == people["outsider"].unit_id
    assert [(x["unit"], x["state"]) for x in body["assignments"] if x["round"] == 1] == [
        (people["staff_a"].unit_id, "reassigned"), (people["staff_b"].unit_id, "reassigned")]
    r = sup.post(f"/api/tickets/{ticket.pk}/reassign/", {"lead_unit": people["outsider"].unit_id,
                                                          "reason": "再改"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["field"] == "lead_unit"
