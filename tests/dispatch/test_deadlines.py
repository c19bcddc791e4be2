"""Deadlines on the Chinese working calendar, and the traffic light at its exact edges."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch import services as d
from dispatch.calendar import WorkCalendar
from dispatch.deadlines import Limits, add_working_days, deadlines_from, light_at, light_q, limits_for, ticket_light
from dispatch.models import CalendarOverride, LightTimer, LimitUnit, TimeLimitPolicy
from hotline.clock import frozen_at
from hotline.models import Category, Ticket
from tests import factories as f

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
US = dt.timedelta(microseconds=1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def end_of(y, m, day) -> dt.datetime:
    return at(y, m, day, 23, 59, 59)


def working_days(n: int) -> Limits:
    return Limits(LimitUnit.WORKING_DAYS, n, 1, 1, Decimal("0.20"))


def dispatch_at(moment, people, **extra) -> Ticket:
    with frozen_at(moment):
        return f.dispatched(people, co=False, **extra)


# --- working days -----------------------------------------------------------------

def test_five_working_days_across_national_day_and_a_make_up_saturday():
    # Oct 1–7 off; Oct 8, 9 work; Oct 10 is a Saturday worked in exchange; Oct 11 Sunday off.
    deadlines = deadlines_from(at(2026, 9, 30, 10, 0), working_days(5))
    assert deadlines.due_at == end_of(2026, 10, 13)
    assert deadlines.due_at.isoformat() == "2026-10-13T23:59:59+08:00"
    assert deadlines.sign_due_at == end_of(2026, 10, 8)


def test_dispatch_through_the_service_gets_the_same_deadline(people):
    ticket = dispatch_at(at(2026, 9, 30, 16, 30), people, ticket_type="help")  # 求助: 5 working days
    assert ticket.due_at == end_of(2026, 10, 13)
    assert ticket.sign_due_at == end_of(2026, 10, 8)


def test_spring_festival_with_make_up_saturday_before_it():
    # 2026: Feb 14 (Sat) is worked, Feb 15–23 off.
    assert deadlines_from(at(2026, 2, 13, 9, 0), working_days(3)).due_at == end_of(2026, 2, 25)


def test_a_make_up_sunday_counts_and_mid_autumn_friday_does_not():
    # Sep 20 2026 is a Sunday worked in exchange; Sep 25 (Fri) is Mid-Autumn.
    assert deadlines_from(at(2026, 9, 19, 12, 0), working_days(1)).due_at == end_of(2026, 9, 20)
    assert deadlines_from(at(2026, 9, 24, 12, 0), working_days(1)).due_at == end_of(2026, 9, 28)


def test_the_start_day_never_counts_even_when_dispatched_at_midnight():
    assert deadlines_from(at(2026, 11, 2, 0, 0), working_days(1)).due_at == end_of(2026, 11, 3)
    assert deadlines_from(at(2026, 11, 2, 23, 59, 59), working_days(1)).due_at == end_of(2026, 11, 3)


def test_a_year_the_package_does_not_know_falls_back_to_weekends():
    # Fri 2027-01-08 + 3 working days: Mon 11, Tue 12, Wed 13.
    assert deadlines_from(at(2027, 1, 8, 10, 0), working_days(3)).due_at == end_of(2027, 1, 13)
    assert not WorkCalendar(dt.date(2027, 1, 9)).is_workday(dt.date(2027, 1, 9))


def test_overrides_win_over_the_fallback_and_the_package():
    CalendarOverride.objects.create(day=dt.date(2027, 1, 11), is_workday=False, note="假设的假日")
    assert deadlines_from(at(2027, 1, 8, 10, 0), working_days(3)).due_at == end_of(2027, 1, 14)
    CalendarOverride.objects.create(day=dt.date(2027, 1, 9), is_workday=True, note="调休上班")
    assert deadlines_from(at(2027, 1, 8, 10, 0), working_days(3)).due_at == end_of(2027, 1, 13)
    # Within the package's years too: say the county gives Oct 8 off as well.
    CalendarOverride.objects.create(day=dt.date(2026, 10, 8), is_workday=False)
    assert deadlines_from(at(2026, 9, 30, 10, 0), working_days(5)).due_at == end_of(2026, 10, 14)


def test_urgent_tickets_count_clock_hours_through_holidays(people):
    with frozen_at(at(2026, 10, 1, 10, 0)):  # National Day itself
        ticket = f.registered(people, urgency="urgent")
        d.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"])
        d.ticket_instruct(ticket=ticket, actor=people["leader"], text="立即处置")
        ticket = d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit)
    assert ticket.due_at == at(2026, 10, 2, 10, 0)
    assert ticket.sign_due_at == at(2026, 10, 1, 12, 0)
    assert ticket.warn_at == at(2026, 10, 2, 5, 12)  # the last 20% of 24 hours


def test_yellow_starts_at_the_latest_at_the_close_of_the_day_before_the_last_working_day():
    # 咨询 3 days from Mon 10:00: 20% of the span would be Thu 06:47, the last day starts Thu 00:00,
    # a time nobody is at work: the unit is warned when Wednesday's office hours end.
    deadlines = deadlines_from(at(2026, 11, 2, 10, 0), working_days(3))
    assert deadlines.due_at == end_of(2026, 11, 5)
    assert deadlines.warn_at == at(2026, 11, 4, 17, 30)


def clock_hours(n: int) -> Limits:
    return Limits(LimitUnit.CLOCK_HOURS, n, 2, 1, Decimal("0.20"))


def test_a_yellow_light_due_at_two_in_the_night_comes_at_the_previous_close_of_work():
    # 24 clock hours from Mon 06:48: the last 20% would begin Tue 02:00.
    deadlines = deadlines_from(at(2026, 11, 2, 6, 48), clock_hours(24))
    assert deadlines.due_at == at(2026, 11, 3, 6, 48)
    assert deadlines.warn_at == at(2026, 11, 2, 17, 30)


def test_a_yellow_light_on_a_weekend_comes_on_friday_evening():
    # 10 clock hours from Fri 16:00 would warn Sat 00:00 (a Saturday off): Friday 17:30 instead.
    assert deadlines_from(at(2026, 11, 6, 16, 0), clock_hours(10)).warn_at == at(2026, 11, 6, 17, 30)


def test_dispatched_after_hours_the_warning_waits_for_the_next_opening_before_the_deadline():
    # 14 hours from Mon 20:00 (due Tue 10:00) would warn Tue 07:12; Monday's close is already
    # past, so the unit is warned when it opens on Tuesday, still before the deadline.
    deadlines = deadlines_from(at(2026, 11, 2, 20, 0), clock_hours(14))
    assert deadlines.warn_at == at(2026, 11, 3, 8, 30)


def test_no_working_hour_before_the_deadline_keeps_the_computed_warning():
    # An urgent ticket over National Day: no office hours between dispatch and deadline.
    deadlines = deadlines_from(at(2026, 10, 3, 10, 0), clock_hours(24))
    assert deadlines.warn_at == at(2026, 10, 4, 5, 12)


def test_office_hours_come_from_the_settings(settings):
    settings.HOTLINE_WORK_HOURS = ("09:00", "18:00")
    assert deadlines_from(at(2026, 11, 2, 10, 0), working_days(3)).warn_at == at(2026, 11, 4, 18, 0)


@pytest.mark.parametrize("days", [1, 3, 5, 10, 15])
def test_every_yellow_light_falls_in_working_hours_whenever_the_ticket_is_dispatched(days):
    calendar = WorkCalendar(dt.date(2026, 9, 20))
    for offset in range(0, 14 * 24, 5):  # every fifth hour across two weeks, National Day included
        start = at(2026, 9, 25, 0, 17) + dt.timedelta(hours=offset)
        for limits in (working_days(days), clock_hours(days * 8)):
            deadlines = deadlines_from(start, limits, calendar)
            warn = deadlines.warn_at.astimezone(SH)
            assert start <= warn < deadlines.due_at
            at_work = calendar.is_workday(warn.date()) and dt.time(8, 30) <= warn.time() <= dt.time(17, 30)
            span_has_work = any(
                calendar.is_workday((start + dt.timedelta(minutes=m)).astimezone(SH).date())
                and dt.time(8, 30) <= (start + dt.timedelta(minutes=m)).astimezone(SH).time() <= dt.time(17, 30)
                for m in range(0, int((deadlines.due_at - start).total_seconds() // 60), 30))
            assert at_work or not span_has_work, (start, limits.limit_unit, warn)


def test_yellow_starts_at_the_share_when_that_comes_first():
    deadlines = deadlines_from(at(2026, 11, 2, 10, 0), working_days(15))  # 建议: due Mon Nov 23
    assert deadlines.due_at == end_of(2026, 11, 23)
    span = deadlines.due_at - at(2026, 11, 2, 10, 0)
    assert deadlines.warn_at == deadlines.due_at - span * 0.2
    assert deadlines.warn_at < at(2026, 11, 23, 0, 0)


def test_extension_moves_the_deadline_across_the_holiday(people):
    ticket = dispatch_at(at(2026, 9, 24, 10, 0), people, ticket_type="help")
    assert ticket.due_at == end_of(2026, 10, 9)
    with frozen_at(at(2026, 10, 8, 9, 0)):
        d.ticket_sign(ticket=ticket, actor=people["staff_a"])
        ext = d.extension_request(ticket=ticket, actor=people["staff_a"], reason="等待检测报告", extra_days=2)
        assert ticket_light(f.fresh(ticket)) == "yellow"
        d.extension_decide(extension=ext, actor=people["supervisor"], approve=True)
        moved = f.fresh(ticket)
        assert moved.due_at == end_of(2026, 10, 12)  # Sat Oct 10 (worked) and Mon Oct 12
        # The new yellow light (20% of the span: Fri Oct 9 07:11) comes at Thursday's close of work.
        assert moved.warn_at == at(2026, 10, 8, 17, 30)
        assert ticket_light(moved) == "green"
        # Green again: the urge and the supervision are both owed once more.
        assert set(LightTimer.objects.filter(ticket=ticket).values_list("light", flat=True)) == {"yellow", "red"}


def test_extension_after_the_deadline_counts_from_the_decision(people):
    ticket = dispatch_at(at(2026, 11, 2, 10, 0), people, ticket_type="consultation")
    with frozen_at(at(2026, 11, 10, 15, 0)):  # five days late
        d.ticket_sign(ticket=ticket, actor=people["staff_a"])
        ext = d.extension_request(ticket=ticket, actor=people["staff_a"], reason="补办", extra_days=1)
        d.extension_decide(extension=ext, actor=people["supervisor"], approve=True)
    assert f.fresh(ticket).due_at == end_of(2026, 11, 11)


# --- the light at its exact edges -------------------------------------------------------

@pytest.fixture
def running(people) -> Ticket:
    return dispatch_at(at(2026, 11, 2, 10, 0), people, ticket_type="consultation")


def filtered_light(ticket: Ticket, now: dt.datetime) -> set[str]:
    return {light for light in ("green", "yellow", "red")
            if Ticket.objects.filter(light_q(light, now), pk=ticket.pk).exists()}


@pytest.mark.parametrize(("offset", "edge", "light"), [
    (-US, "warn_at", "green"),
    (dt.timedelta(0), "warn_at", "yellow"),
    (dt.timedelta(0), "due_at", "yellow"),
    (US, "due_at", "red"),
])
def test_light_edges_are_exact_and_the_filter_agrees(running, offset, edge, light):
    now = getattr(running, edge) + offset
    assert light_at(running.due_at, running.warn_at, now) == light
    assert ticket_light(running, now) == light
    assert filtered_light(running, now) == {light}


def test_no_light_when_no_unit_holds_the_ticket(people):
    ticket = f.registered(people)
    assert ticket_light(ticket) is None and filtered_light(ticket, at(2026, 11, 2, 10, 0)) == set()
    replied = f.replied(people)
    assert ticket_light(replied) is None and filtered_light(replied, replied.due_at + US) == set()


def test_light_filter_through_the_api(api, people):
    now = dt.datetime.now(SH)
    red = dispatch_at(now - dt.timedelta(days=40), people)
    yellow = dispatch_at(now - dt.timedelta(days=13), people, ticket_type="complaint")  # 10 working days
    # Make the "yellow" one exactly yellow whatever today is: move its deadline close.
    Ticket.objects.filter(pk=yellow.pk).update(due_at=now + dt.timedelta(hours=5), warn_at=now - dt.timedelta(hours=1))
    green = f.dispatched(people, co=False)
    f.registered(people)
    for client in (api(people["supervisor"]), api(people["staff_a"])):
        for light, ticket in (("red", red), ("yellow", yellow), ("green", green)):
            listed = client.get(f"/api/tickets/?light={light}").json()["results"]
            assert [(t["id"], t["light"]) for t in listed] == [(ticket.pk, light)]
    inbox = api(people["staff_a"]).get("/api/inbox/").json()["results"]
    assert [t["light"] for t in inbox] == ["red", "yellow", "green"]  # nearest deadline first


# --- policies ----------------------------------------------------------------------

def test_defaults_from_design_and_the_most_specific_policy_wins():
    assert limits_for(ticket_type="consultation", urgency="normal").handle_limit == 3
    assert limits_for(ticket_type="help", urgency="normal").handle_limit == 5
    assert limits_for(ticket_type="complaint", urgency="normal").handle_limit == 10
    assert limits_for(ticket_type="report", urgency="normal").handle_limit == 10
    assert limits_for(ticket_type="suggestion", urgency="normal").handle_limit == 15
    urgent = limits_for(ticket_type="suggestion", urgency="urgent")
    assert (urgent.limit_unit, urgent.handle_limit) == ("clock_hours", 24)

    root = Category.objects.get(full_name="城乡建设")
    leaf = Category.objects.filter(full_name__startswith="城乡建设/", level=3).first()
    TimeLimitPolicy.objects.create(name="城乡建设投诉7天", ticket_type="complaint", category=root, handle_limit=7)
    assert limits_for(ticket_type="complaint", urgency="normal", category=leaf).handle_limit == 7
    TimeLimitPolicy.objects.create(name="该三级分类4天", category=leaf, handle_limit=4)
    assert limits_for(ticket_type="complaint", urgency="normal", category=leaf).handle_limit == 4
    assert limits_for(ticket_type="complaint", urgency="urgent", category=leaf).handle_limit == 24
    assert limits_for(ticket_type="complaint", urgency="normal", category=root).handle_limit == 7


def test_add_working_days_keeps_local_dates_for_utc_input():
    utc_evening = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)  # already Oct 1, 01:00 in Shanghai
    assert add_working_days(utc_evening, 1) == end_of(2026, 10, 8)
    assert add_working_days(dt.datetime(2026, 9, 30, 15, 0, tzinfo=dt.UTC), 1) == end_of(2026, 10, 8)
