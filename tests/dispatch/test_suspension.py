"""挂起 (issue 16, item 4): a unit asks, the centre approves or refuses; approved, the clock stops
and the light freezes; the ticket resumes by a supervisor, the citizen's text or the sweep, and the
deadline moves by the working time it stood still (Chinese calendar: weekends, holidays, make-up days)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dispatch import services as d
from dispatch.deadlines import add_working_seconds, light_q, ticket_light, working_seconds_between
from dispatch.models import LightTimer, Suspension
from hotline.clock import frozen_at
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import Ticket, TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def end_of(y, m, day) -> dt.datetime:
    return at(y, m, day, 23, 59, 59)


def request(people, ticket, who="staff_a", **extra):
    fields = {"reason_kind": "citizen_materials", "reason": "等待市民提供房屋产权证明", "expected_days": 3} | extra
    return d.ticket_suspension_request(ticket=ticket, actor=people[who], **fields)


def approve(people, ticket, **extra):
    return d.ticket_suspension_decide(ticket=ticket, actor=people["supervisor"], approve=True, **extra)


def kinds(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).exclude(kind="sms_sent").values_list("kind", flat=True))


# --- the measure ---------------------------------------------------------------------------

def test_working_time_counts_whole_working_days_and_skips_weekends_and_holidays():
    # Fri 15:00 → Mon 09:00: nine hours of Friday, nine of Monday; the weekend counts nothing.
    assert working_seconds_between(at(2026, 11, 6, 15, 0), at(2026, 11, 9, 9, 0)) == 18 * HOUR
    # Wed Sep 30 10:00 → Thu Oct 8 10:00 across 国庆 (Oct 1–7 off): 14 h + 10 h, one working day.
    assert working_seconds_between(at(2026, 9, 30, 10, 0), at(2026, 10, 8, 10, 0)) == 24 * HOUR
    assert working_seconds_between(at(2026, 10, 3, 10, 0), at(2026, 10, 5, 10, 0)) == 0  # inside the holiday
    assert working_seconds_between(at(2026, 11, 9, 9, 0), at(2026, 11, 6, 9, 0)) == 0  # backwards: nothing


def test_a_deadline_moves_across_working_days_only_and_counts_a_make_up_saturday():
    # A whole working day moves a 23:59:59 deadline to 23:59:59 of the next working day: from
    # Fri Oct 9 to the make-up Saturday Oct 10 (调休上班), and from there over Sunday to Monday.
    assert add_working_seconds(end_of(2026, 10, 9), 24 * HOUR) == end_of(2026, 10, 10)
    assert add_working_seconds(end_of(2026, 10, 10), 24 * HOUR) == end_of(2026, 10, 12)
    assert add_working_seconds(end_of(2026, 11, 16), 18 * HOUR) == at(2026, 11, 17, 17, 59, 59)
    assert add_working_seconds(at(2026, 9, 30, 17, 30), 24 * HOUR) == at(2026, 10, 8, 17, 30)


# --- request, approve, refuse --------------------------------------------------------------

def test_the_lead_unit_asks_and_the_ticket_keeps_running_until_the_centre_decides(people):
    ticket = f.in_progress(people)
    suspension = request(people, ticket, expected_days=5)
    assert suspension.state == "pending" and suspension.unit_id == people["staff_a"].unit_id
    assert f.fresh(ticket).state == "in_progress"
    event = TicketEvent.objects.filter(ticket=ticket, kind="suspension_requested").get()
    assert event.payload["suspend_reason"] == "等待市民补充材料" and event.payload["expected_days"] == 5
    with pytest.raises(Conflict) as second:
        request(people, ticket)
    assert second.value.code == "suspension_open"


def test_approval_stops_the_clock_freezes_the_light_and_drops_the_light_timers(people):
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.in_progress(people, ticket_type="consultation")  # 3 working days: due Thu Nov 5
    assert LightTimer.objects.filter(ticket=ticket).count() == 2
    with frozen_at(at(2026, 11, 5, 10, 0)):  # yellow by now (the last working day)
        assert ticket_light(f.fresh(ticket)) == "yellow"
        request(people, ticket)
        decided = approve(people, ticket, note="同意，请督促市民尽快提供")
    suspended = f.fresh(ticket)
    assert suspended.state == "suspended" and decided.state == "active"
    assert decided.suspended_at == at(2026, 11, 5, 10, 0) and decided.old_due_at == end_of(2026, 11, 5)
    assert not LightTimer.objects.filter(ticket=ticket).exists()
    later = at(2026, 11, 20, 10, 0)  # past the deadline: a running ticket would be red
    assert ticket_light(suspended, later) == "yellow", "the light it had when suspended"
    for light in ("red", "yellow", "green"):
        assert not Ticket.objects.filter(light_q(light, later), pk=ticket.pk).exists(), "in no light list"
    assert kinds(ticket)[-2:] == ["suspension_requested", "suspend"]


def test_a_refusal_leaves_the_ticket_as_it_was_and_the_unit_may_ask_again(people):
    ticket = f.in_progress(people)
    due = ticket.due_at
    request(people, ticket)
    refused = d.ticket_suspension_decide(ticket=ticket, actor=people["supervisor"], approve=False,
                                         note="材料可由单位自行调取")
    assert refused.state == "rejected" and refused.decision_note == "材料可由单位自行调取"
    fresh = f.fresh(ticket)
    assert fresh.state == "in_progress" and fresh.due_at == due
    assert LightTimer.objects.filter(ticket=ticket).count() == 2
    assert kinds(ticket)[-1] == "suspension_rejected"
    assert request(people, ticket).state == "pending"


def test_deciding_twice_is_a_conflict(people):
    ticket = f.with_pending_suspension(people)
    approve(people, ticket)
    with pytest.raises(Conflict) as late:
        d.ticket_suspension_decide(ticket=ticket, actor=people["supervisor"], approve=False)
    assert late.value.code == "suspension_decided"


def test_bad_requests_get_clear_errors(people, settings):
    settings.HOTLINE_SUSPENSION_MAX_WORKING_DAYS = 10
    ticket = f.in_progress(people)
    with pytest.raises(InvalidInput) as kind:
        request(people, ticket, reason_kind="holiday")
    assert kind.value.field == "reason_kind"
    with pytest.raises(InvalidInput) as days:
        request(people, ticket, expected_days=11)
    assert days.value.field == "expected_days" and "1到10个工作日" in days.value.message
    with pytest.raises(InvalidInput) as reason:
        request(people, ticket, reason="  ")
    assert reason.value.field == "reason"
    with pytest.raises(NotAllowed):
        request(people, ticket, who="staff_b")  # the co-unit
    with pytest.raises(NotAllowed):
        request(people, ticket, who="leader")
    replied = f.replied(people)
    with pytest.raises(Conflict):
        request(people, replied)


def test_the_operator_may_ask_for_a_ticket_the_centre_waits_on_the_citizen_for(people):
    ticket = f.dispatched(people)
    suspension = request(people, ticket, who="operator")
    assert suspension.assignment_id is None and suspension.requested_by == people["operator"]
    with pytest.raises(NotAllowed):
        d.ticket_suspension_decide(ticket=ticket, actor=people["operator"], approve=True)
    with pytest.raises(NotAllowed):
        d.ticket_suspension_decide(ticket=ticket, actor=people["staff_a"], approve=True)


# --- while suspended -----------------------------------------------------------------------

def test_the_unit_can_neither_sign_nor_reply_while_suspended(people, api):
    signed = f.suspended(people)
    unsigned = f.suspended(people, signed=False)
    client = api(people["staff_a"])
    reply = client.post(f"/api/tickets/{signed.pk}/reply/", {"text": "已办理", "confirm_absent_co_units": True},
                        format="json")
    assert reply.status_code == 409 and "已挂起" in reply.json()["error"]["message"]
    assert client.post(f"/api/tickets/{unsigned.pk}/sign/").status_code == 409
    assert api(people["staff_b"]).post(f"/api/tickets/{signed.pk}/reply/", {"text": "协办意见"},
                                       format="json").status_code == 409
    assert "reply" not in client.get(f"/api/tickets/{signed.pk}/").json()["actions"]


def test_a_suspended_ticket_is_neither_urged_nor_supervised(people):
    ticket = f.suspended(people)
    with pytest.raises(Conflict):
        d.ticket_urge(ticket=ticket, actor=people["supervisor"])
    from dispatch.timers import sweep_lights

    result = sweep_lights(now=ticket.due_at + dt.timedelta(days=30))
    assert ticket.pk not in result.urged + result.supervised


# --- resume --------------------------------------------------------------------------------

def test_a_supervisor_resumes_and_the_deadline_moves_by_the_suspended_working_time_over_a_weekend(people):
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.in_progress(people)  # complaint: 10 working days, due Mon Nov 16
    assert ticket.due_at == end_of(2026, 11, 16)
    with frozen_at(at(2026, 11, 6, 15, 0)):  # Friday afternoon
        request(people, ticket)
        approve(people, ticket)
    with frozen_at(at(2026, 11, 9, 9, 0)):  # Monday morning
        resumed = d.ticket_resume(ticket=ticket, actor=people["supervisor"], note="市民已提供材料")
    assert resumed.state == "in_progress"
    assert resumed.due_at == at(2026, 11, 17, 17, 59, 59)  # 18 working hours later
    row = Suspension.objects.get(ticket=ticket)
    assert (row.state, row.resumed_how, row.paused_seconds) == ("resumed", "supervisor", 18 * HOUR)
    assert row.new_due_at == resumed.due_at and row.resumed_by == people["supervisor"]
    event = TicketEvent.objects.filter(ticket=ticket, kind="resume").get()
    assert event.payload["span"] == "2026-11-06 15:00 至 2026-11-09 09:00，计18小时（工作日时间）"
    assert event.payload["moved"] == "办理时限由 2026-11-16 23:59 顺延至 2026-11-17 17:59"
    assert (event.from_state, event.to_state) == ("suspended", "in_progress")
    assert set(LightTimer.objects.filter(ticket=ticket).values_list("light", flat=True)) == {"yellow", "red"}


def test_across_national_day_the_deadline_lands_on_the_make_up_saturday(people):
    with frozen_at(at(2026, 9, 24, 10, 0)):
        ticket = f.in_progress(people, ticket_type="help")  # 5 working days: due Fri Oct 9
    assert ticket.due_at == end_of(2026, 10, 9) and ticket.warn_at == at(2026, 9, 30, 17, 30)
    with frozen_at(at(2026, 9, 30, 10, 0)):
        request(people, ticket)
        approve(people, ticket)
    with frozen_at(at(2026, 10, 8, 10, 0)):  # 国庆 Oct 1–7 counts nothing: 14 h + 10 h
        resumed = d.ticket_resume(ticket=ticket, actor=people["supervisor"])
        assert ticket_light(resumed) == "green"
    assert resumed.due_at == end_of(2026, 10, 10), "one working day later: the make-up Saturday"
    assert resumed.warn_at == at(2026, 10, 8, 17, 30)


def test_an_unsigned_ticket_resumes_unsigned_and_its_signing_deadline_moves_too(people):
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.dispatched(people)
    sign_due = ticket.sign_due_at
    assert sign_due == end_of(2026, 11, 3)
    with frozen_at(at(2026, 11, 2, 11, 0)):
        request(people, ticket)
        approve(people, ticket)
    with frozen_at(at(2026, 11, 3, 11, 0)):
        resumed = d.ticket_resume(ticket=ticket, actor=people["supervisor"])
    assert resumed.state == "dispatched" and resumed.sign_due_at == end_of(2026, 11, 4)
    assert kinds(ticket)[-1] == "resume_unsigned"
    d.ticket_sign(ticket=resumed, actor=people["staff_a"])  # the unit carries on


def test_an_urgent_ticket_counting_clock_hours_moves_by_the_clock_time(people):
    with frozen_at(at(2026, 11, 6, 10, 0)):
        ticket = f.registered(people, urgency="urgent")  # 24 clock hours, after a leader's instruction
        d.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"])
        d.ticket_instruct(ticket=ticket, actor=people["leader"], text="立即处置")
        ticket = d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit)
        d.ticket_sign(ticket=ticket, actor=people["staff_a"])
    due = ticket.due_at
    assert due == at(2026, 11, 7, 10, 0)
    with frozen_at(at(2026, 11, 6, 12, 0)):
        request(people, ticket)
        approve(people, ticket)
    with frozen_at(at(2026, 11, 8, 12, 0)):  # over the weekend: 48 clock hours
        resumed = d.ticket_resume(ticket=ticket, actor=people["supervisor"])
    assert resumed.due_at == due + dt.timedelta(hours=48)


def test_the_sweep_resumes_after_the_maximum_and_running_it_twice_resumes_once(people, settings):
    settings.HOTLINE_SUSPENSION_MAX_WORKING_DAYS = 2
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.in_progress(people)
    with frozen_at(at(2026, 11, 5, 10, 0)):  # Thursday
        request(people, ticket, expected_days=2)
        decided = approve(people, ticket)
    assert decided.resume_by == at(2026, 11, 9, 10, 0)  # two working days on: Friday and Monday
    assert d.suspensions_resume_due(now=at(2026, 11, 9, 9, 59)) == []
    with frozen_at(at(2026, 11, 9, 10, 5)):
        assert d.suspensions_resume_due() == [ticket.pk]
        assert d.suspensions_resume_due() == []
    assert kinds(ticket).count("resume") == 1
    row = Suspension.objects.get(ticket=ticket)
    assert row.resumed_how == "auto" and row.paused_seconds == 2 * 24 * HOUR + 5 * 60
    assert f.fresh(ticket).due_at == add_working_seconds(end_of(2026, 11, 16), row.paused_seconds)


def test_the_beat_task_runs_the_sweep(people, settings):
    from dispatch.tasks import resume_suspensions

    settings.HOTLINE_SUSPENSION_MAX_WORKING_DAYS = 1
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.in_progress(people)
        request(people, ticket, expected_days=1)
        approve(people, ticket)
    assert {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} >= {"dispatch.resume_suspensions"}
    with frozen_at(at(2026, 11, 4, 10, 0)):
        assert resume_suspensions.apply().get() == 1
    assert f.fresh(ticket).state == "in_progress"


def test_resuming_a_ticket_that_is_not_suspended_is_a_conflict_and_only_the_office_resumes(people):
    ticket = f.suspended(people)
    with pytest.raises(NotAllowed):
        d.ticket_resume(ticket=ticket, actor=people["staff_a"])
    with pytest.raises(NotAllowed):
        d.ticket_resume(ticket=ticket, actor=people["operator"])
    d.ticket_resume(ticket=ticket, actor=people["supervisor"])
    with pytest.raises(Conflict):
        d.ticket_resume(ticket=ticket, actor=people["supervisor"])


# --- the ticket moves on ---------------------------------------------------------------------

def test_a_reply_withdraws_an_undecided_request(people):
    ticket = f.with_pending_suspension(people)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text="已联系市民补齐材料并完成审批，结果已电话告知市民",
                   confirm_absent_co_units=True)
    row = Suspension.objects.get(ticket=ticket)
    assert row.state == "cancelled" and "已回复" in row.decision_note


def test_merging_a_suspended_ticket_ends_its_suspension(people):
    ticket = f.suspended(people)
    d.ticket_merge(ticket=ticket, into=f.registered(people), actor=people["supervisor"])
    row = Suspension.objects.get(ticket=ticket)
    assert row.state == "cancelled" and row.resumed_at is not None
    assert d.suspensions_resume_due(now=dt.datetime.max.replace(tzinfo=dt.UTC)) == []


# --- reports -----------------------------------------------------------------------------------

def test_reports_count_suspensions_per_unit_and_a_suspended_ticket_is_not_overdue(people):
    from reports import kpis, rollup

    with frozen_at(at(2026, 11, 2, 10, 0)):
        suspended = f.in_progress(people, ticket_type="consultation")  # due Thu Nov 5
        running = f.in_progress(people, ticket_type="consultation")
        resumed = f.in_progress(people, ticket_type="consultation")
    with frozen_at(at(2026, 11, 3, 10, 0)):
        for ticket in (suspended, resumed):
            request(people, ticket)
            approve(people, ticket)
        d.ticket_resume(ticket=resumed, actor=people["supervisor"])
    rollup.refresh(full=True, now=at(2026, 11, 20, 10, 0))  # both deadlines long past
    filters = kpis.Filters(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 2))
    unit_a = next(r for r in kpis.unit_ranking(filters) if r["key"] == people["staff_a"].unit_id)
    assert unit_a["suspensions"] == 2 and unit_a["suspended_now"] == 1
    assert unit_a["due"] == 2, f"the running and the resumed ticket are overdue; the suspended one is not: {running}"
    assert kpis.COUNT_LABELS["suspensions"] == "挂起次数"


# --- API ----------------------------------------------------------------------------------------

def test_the_api_round_trip_and_the_schema_lists_the_actions(people, api, client):
    import yaml

    ticket = f.in_progress(people)
    unit, boss = api(people["staff_a"]), api(people["supervisor"])
    body = {"reason_kind": "litigation", "reason": "当事人已起诉，待法院判决", "expected_days": 5}
    created = unit.post(f"/api/tickets/{ticket.pk}/suspend/", body, format="json")
    assert created.status_code == 201 and created.json()["state"] == "pending"
    assert created.json()["reason_label"] == "涉及诉讼、仲裁或行政复议"
    detail = boss.get(f"/api/tickets/{ticket.pk}/").json()
    assert "suspension-decide" in detail["actions"] and detail["suspensions"][0]["id"] == created.json()["id"]
    decided = boss.post(f"/api/tickets/{ticket.pk}/suspension-decide/", {"approve": True}, format="json")
    assert decided.status_code == 200 and decided.json()["state"] == "suspended"
    assert "resume" in decided.json()["actions"] and decided.json()["light"] == "green"
    again = boss.post(f"/api/tickets/{ticket.pk}/suspension-decide/", {"approve": False}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "suspension_decided"
    bad = unit.post(f"/api/tickets/{ticket.pk}/suspend/", {"reason_kind": "x", "reason": "a", "expected_days": 1},
                    format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "reason_kind"
    listed = unit.get("/api/tickets/").json()["results"]
    assert [row["light"] for row in listed if row["id"] == ticket.pk] == ["green"]
    resumed = boss.post(f"/api/tickets/{ticket.pk}/resume/", {"note": "材料已齐"}, format="json")
    assert resumed.status_code == 200 and resumed.json()["state"] == "in_progress"
    assert resumed.json()["suspensions"][0]["resumed_how"] == "supervisor"
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in ("suspend", "suspension-decide", "resume"):
        assert f"/api/tickets/{{id}}/{path}/" in schema["paths"]
    assert "suspensions" in schema["components"]["schemas"]["TicketDetail"]["properties"]


def test_the_fast_json_of_a_suspended_ticket_equals_drf_json(people):
    from django.utils import timezone
    from rest_framework import serializers
    from rest_framework.test import APIRequestFactory

    from api import serializers as s
    from api.views import TicketViewSet

    ticket = f.suspended(people)
    request_ = APIRequestFactory().get("/")
    request_.user = people["supervisor"]
    detailed = TicketViewSet.with_details(ticket)
    serializer = s.TicketDetailSerializer(detailed, context={"request": request_, "now": timezone.now()})
    assert serializer.data == serializers.ModelSerializer.to_representation(serializer, detailed)
    for row in detailed.suspensions.all():
        one = s.SuspensionSerializer(row)
        assert one.data == serializers.ModelSerializer.to_representation(one, row)
