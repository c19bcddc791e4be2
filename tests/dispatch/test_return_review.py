"""退单审核 (issue 16, item 1): a lead unit's 退单 is a request within a window after dispatch;
the centre accepts it (the ticket is returned, or re-dispatched at once) or refuses it (the ticket
stays with the unit, its original deadline running, the reason shown to the unit)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dispatch import services as d
from dispatch.models import Assignment, ExtensionRequest, LightTimer, TicketReturn
from dispatch.selectors import ticket_actions_for
from hotline.clock import frozen_at
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def ask(people, ticket, *, who="staff_a", code="not_ours", reason="路灯归城管局管理，非本单位职责"):
    return d.ticket_return(ticket=ticket, actor=people[who], reason_code=code, reason=reason)


def kinds(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).exclude(kind="register").order_by("id")
                .values_list("kind", flat=True))


# --- asking -------------------------------------------------------------------------------

def test_a_request_within_the_window_leaves_the_ticket_with_the_unit_and_its_deadline_running(people):
    ticket = f.in_progress(people)
    before = f.fresh(ticket)
    request = ask(people, ticket)
    after = f.fresh(ticket)
    assert request.state == TicketReturn.State.PENDING and request.reason_code == "not_ours"
    assert request.review_due_at > request.created_at
    assert (after.state, after.lead_unit_id, after.due_at, after.warn_at) == (
        "in_progress", people["staff_a"].unit_id, before.due_at, before.warn_at)
    assert after.version == before.version + 1
    assert LightTimer.objects.filter(ticket=ticket).count() == 2  # the lights still come
    event = TicketEvent.objects.get(ticket=ticket, kind="return_requested")
    assert event.actor == people["staff_a"] and event.payload["reason_label"] == "不属于本单位职责"
    assert event.payload["return_id"] == request.pk
    # The unit may still reply (or ask for more time); it cannot ask twice.
    assert "reply" in ticket_actions_for(people["staff_a"], after)
    assert "return" not in ticket_actions_for(people["staff_a"], after)
    assert {"return/accept", "return/refuse"} <= set(ticket_actions_for(people["supervisor"], after))
    assert "return/accept" not in ticket_actions_for(people["operator"], after)


def test_the_window_counts_working_days_after_the_dispatch_day():
    # Dispatched on Friday 6 March 2026: Monday and Tuesday are the two working days.
    from dispatch.deadlines import return_window_end

    assert return_window_end(at("2026-03-06 10:00")) == at("2026-03-10 23:59:59")


@pytest.mark.parametrize(("moment", "allowed"), [("2026-03-10 17:00", True), ("2026-03-11 09:00", False)])
def test_a_request_after_the_window_is_refused_with_its_own_code(people, moment, allowed):
    with frozen_at(at("2026-03-06 10:00")):
        ticket = f.dispatched(people)
    with frozen_at(at(moment)):
        assert ("return" in ticket_actions_for(people["staff_a"], f.fresh(ticket))) is allowed
        if allowed:
            assert ask(people, ticket).state == "pending"
            return
        with pytest.raises(Conflict) as refused:
            ask(people, ticket)
    assert refused.value.code == "return_window_passed"
    assert "退单须在派单后2个工作日内提出" in refused.value.message and "2026-03-10 23:59" in refused.value.message
    assert not TicketReturn.objects.exists() and "return_requested" not in kinds(ticket)


def test_the_window_is_a_setting(people, settings):
    settings.HOTLINE_RETURN_WINDOW_WORKING_DAYS = 1
    with frozen_at(at("2026-03-06 10:00")):
        ticket = f.dispatched(people)
    with frozen_at(at("2026-03-10 09:00")), pytest.raises(Conflict) as refused:
        ask(people, ticket)
    assert refused.value.code == "return_window_passed" and "1个工作日内" in refused.value.message


def test_the_window_runs_from_the_round_the_unit_was_given(people):
    """A ticket re-dispatched to a unit gives it a new window from that dispatch."""
    with frozen_at(at("2026-03-02 10:00")):
        ticket = f.with_pending_return(people)
        d.ticket_return_accept(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_b"].unit)
    with frozen_at(at("2026-03-09 10:00")):
        d.ticket_reassign(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit, reason="改回")
    with frozen_at(at("2026-03-10 10:00")):
        assert ask(people, ticket, reason="确非本单位职责").state == "pending"


@pytest.mark.parametrize("code", ["", "wrong", None])
def test_a_bad_reason_code_is_refused_naming_the_field_and_the_list(people, code):
    ticket = f.dispatched(people)
    with pytest.raises(InvalidInput) as refused:
        ask(people, ticket, code=code)
    assert refused.value.field == "reason_code"
    assert "不属于本单位职责" in refused.value.message and "其他" in refused.value.message


def test_the_reason_text_is_required(people):
    with pytest.raises(InvalidInput) as refused:
        ask(people, f.dispatched(people), reason="  ")
    assert refused.value.field == "reason"


def test_a_second_request_while_one_waits_is_a_conflict(people):
    ticket = f.with_pending_return(people)
    with pytest.raises(Conflict) as refused:
        ask(people, ticket, code="other", reason="再次申请")
    assert refused.value.code == "return_pending"
    assert TicketReturn.objects.filter(ticket=ticket).count() == 1


def test_only_the_lead_unit_asks(people, api):
    ticket = f.dispatched(people)  # A lead, B co-unit
    with pytest.raises(NotAllowed, match="协办单位不能退单"):
        ask(people, ticket, who="staff_b")
    body = {"reason_code": "not_ours", "reason": "非本单位职责"}
    assert api(people["outsider"]).post(f"/api/tickets/{ticket.pk}/return/", body, format="json").status_code == 404
    for who in ("operator", "supervisor"):
        assert api(people[who]).post(f"/api/tickets/{ticket.pk}/return/", body, format="json").status_code == 403
    assert not TicketReturn.objects.exists()


# --- deciding -----------------------------------------------------------------------------

def test_accepting_without_a_unit_returns_the_ticket_for_dispatch(people):
    ticket = f.in_progress(people)
    extension = d.extension_request(ticket=ticket, actor=people["staff_a"], reason="需协调", extra_days=2)
    ask(people, ticket)
    returned = d.ticket_return_accept(ticket=ticket, actor=people["supervisor"], note="同意，另行派单")
    assert (returned.state, returned.lead_unit_id, returned.due_at) == ("returned", None, None)
    request = TicketReturn.objects.get(ticket=ticket)
    assert (request.state, request.decided_by, request.decision_note) == ("accepted", people["supervisor"],
                                                                         "同意，另行派单")
    lead = Assignment.objects.get(ticket=ticket, role="lead")
    assert (lead.state, lead.is_current) == ("returned", False)
    assert ExtensionRequest.objects.get(pk=extension.pk).state == "cancelled"
    event = TicketEvent.objects.get(ticket=ticket, kind="return")
    assert (event.from_state, event.to_state, event.actor) == ("in_progress", "returned", people["supervisor"])
    assert event.payload["reason"] == "路灯归城管局管理，非本单位职责" and event.payload["unit_id"] == lead.unit_id
    assert kinds(ticket)[-2:] == ["return_requested", "return"]


def test_accepting_with_a_unit_redispatches_at_once_with_a_fresh_deadline(people):
    with frozen_at(at("2026-03-02 10:00")):
        ticket = f.with_pending_return(people)
    with frozen_at(at("2026-03-03 15:00")):
        moved = d.ticket_return_accept(ticket=ticket, actor=people["supervisor"], lead_unit=people["outsider"].unit,
                                       co_units=[people["staff_b"].unit], note="请文旅局办理")
    assert (moved.state, moved.lead_unit_id) == ("dispatched", people["outsider"].unit_id)
    assert moved.dispatched_at == at("2026-03-03 15:00") and moved.due_at > at("2026-03-10 00:00")
    assert kinds(ticket)[-2:] == ["return", "redispatch"]
    current = Assignment.objects.filter(ticket=ticket, is_current=True)
    assert {(a.unit_id, a.role, a.round) for a in current} == {
        (people["outsider"].unit_id, "lead", 2), (people["staff_b"].unit_id, "co", 2)}


def test_accepting_with_the_asking_unit_itself_is_refused_and_changes_nothing(people):
    ticket = f.with_pending_return(people)
    with pytest.raises(InvalidInput) as refused:
        d.ticket_return_accept(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit)
    assert refused.value.field == "lead_unit"
    assert TicketReturn.objects.get(ticket=ticket).state == "pending" and f.fresh(ticket).state == "dispatched"


def test_refusing_keeps_the_unit_and_the_original_deadline_and_tells_the_unit_why(people, api):
    ticket = f.in_progress(people)
    due = f.fresh(ticket).due_at
    ask(people, ticket)
    request = d.ticket_return_refuse(ticket=ticket, actor=people["supervisor"], reason="路灯属住建局职责，请按时办理")
    kept = f.fresh(ticket)
    assert (request.state, request.decision_note) == ("refused", "路灯属住建局职责，请按时办理")
    assert (kept.state, kept.lead_unit_id, kept.due_at) == ("in_progress", people["staff_a"].unit_id, due)
    event = TicketEvent.objects.get(ticket=ticket, kind="return_refused")
    assert event.payload["reason"] == "路灯属住建局职责，请按时办理" and event.payload["unit_id"] == kept.lead_unit_id
    detail = api(people["staff_a"]).get(f"/api/tickets/{ticket.pk}/").json()
    assert [(r["state"], r["decision_note"]) for r in detail["returns"]] == [
        ("refused", "路灯属住建局职责，请按时办理")]
    assert "reply" in detail["actions"] and "return" not in detail["actions"]
    # The same round cannot ask again.
    with pytest.raises(Conflict) as again:
        ask(people, ticket, code="other", reason="再申请一次")
    assert again.value.code == "return_refused"


def test_refusing_needs_a_reason(people):
    ticket = f.with_pending_return(people)
    with pytest.raises(InvalidInput) as refused:
        d.ticket_return_refuse(ticket=ticket, actor=people["supervisor"], reason="")
    assert refused.value.field == "reason" and TicketReturn.objects.get().state == "pending"


def test_only_supervisors_and_admins_decide(people, api):
    ticket = f.with_pending_return(people)
    for who in ("operator", "staff_a", "staff_b"):
        with pytest.raises(NotAllowed):
            d.ticket_return_refuse(ticket=ticket, actor=people[who], reason="不同意")
        with pytest.raises(NotAllowed):
            d.ticket_return_accept(ticket=ticket, actor=people[who])
    for who in ("outsider", "leader"):
        r = api(people[who]).post(f"/api/tickets/{ticket.pk}/return/refuse/", {"reason": "x"}, format="json")
        assert r.status_code == 404
    assert TicketReturn.objects.get().state == "pending"


def test_a_decided_request_cannot_be_decided_again(people):
    ticket = f.with_pending_return(people)
    d.ticket_return_refuse(ticket=ticket, actor=people["supervisor"], reason="请按时办理")
    for decide in (lambda: d.ticket_return_accept(ticket=ticket, actor=people["supervisor"]),
                   lambda: d.ticket_return_refuse(ticket=ticket, actor=people["supervisor"], reason="再驳回")):
        with pytest.raises(Conflict) as refused:
            decide()
        assert refused.value.code == "return_not_pending"
    assert TicketReturn.objects.get().state == "refused"


# --- a pending request ended by something else --------------------------------------------

def test_the_units_reply_withdraws_a_pending_request(people):
    ticket = f.in_progress(people)
    ask(people, ticket)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text="已协调物业更换破损管道，现场复查无渗漏，市民认可",
                   confirm_absent_co_units=True)
    request = TicketReturn.objects.get(ticket=ticket)
    assert (request.state, request.decision_note) == ("cancelled", "工单已回复，退单申请自动撤销")
    with pytest.raises(Conflict):
        d.ticket_return_accept(ticket=ticket, actor=people["supervisor"])


def test_a_merge_withdraws_a_pending_request(people):
    ticket = f.with_pending_return(people)
    d.ticket_merge(ticket=ticket, into=f.registered(people), actor=people["supervisor"], reason="重复")
    assert TicketReturn.objects.get(ticket=ticket).state == "cancelled"


def test_returns_from_before_the_review_migrate_as_accepted_decided_when_made(people):
    """dispatch/migrations/0011: the rows of immediate returns become accepted requests."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("dispatch.migrations.0011_i16_return_review_reassign")
    ticket = f.with_pending_return(people)
    made = TicketReturn.objects.get(ticket=ticket).created_at
    migration.existing_returns_were_accepted(apps, None)
    old = TicketReturn.objects.get(ticket=ticket)
    assert (old.state, old.decided_at) == ("accepted", made)
