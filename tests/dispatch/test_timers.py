"""The timers: traffic-light notices exactly once per change, reminders, survey SMS, the outbox."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from dispatch import timers
from dispatch.models import LightTimer, SupervisionNotice, Survey, TimerReminder
from dispatch.services import (
    extension_decide,
    extension_request,
    ticket_reply,
    ticket_review_approve,
    ticket_sign,
    ticket_supervise,
)
from hotline import notify, outbox
from hotline.clock import frozen_at
from hotline.models import EventOutbox, Ticket, TicketEvent

from ..live.helpers import dispatched

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)
REPLY = "已组织施工队修复塌陷路面并设置警示标志，现已恢复通行"


@pytest.fixture
def delivered():
    """Event kinds the notify subscribers were handed, in order."""
    seen: list[str] = []
    notify.subscribe("test.recorder", notify.each(lambda event: seen.append(event.kind)))
    yield seen
    notify.unsubscribe("test.recorder")


# Dispatched on a fixed working morning: where an extension's new warning time falls depends
# on the hour of dispatch, and the tests must not depend on when they run.
DISPATCHED_AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def ticket(operator, supervisor, unit_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), frozen_at(DISPATCHED_AT):
        return dispatched(operator, supervisor, unit_a)


def sweep(now, capture):
    with capture(execute=True):
        return timers.sweep_lights(now=now)


def kinds(ticket):
    """The ticket's own story, without the SMS gateway's sms_sent lines."""
    return list(TicketEvent.objects.filter(ticket=ticket).exclude(kind="sms_sent").values_list("kind", flat=True))


def owed(ticket) -> dict:
    """The light notices the ticket is still owed: {light: when}."""
    return dict(LightTimer.objects.filter(ticket=ticket).values_list("light", "fires_at"))


def sms_templates(ticket) -> list[str]:
    return [e.payload["template"] for e in TicketEvent.objects.filter(ticket=ticket, kind="sms_sent")]


def test_yellow_then_red_sends_one_urge_and_one_supervision_notice(ticket, delivered,
                                                                  django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert sweep(ticket.warn_at - SECOND, capture).event_ids == []  # still green

    result = sweep(ticket.warn_at + SECOND, capture)
    assert result.urged == [ticket.pk] and result.supervised == []
    assert sweep(ticket.warn_at + 2 * SECOND, capture).event_ids == []  # re-run: nothing new

    late = ticket.due_at + dt.timedelta(days=1, hours=2)
    assert sweep(late, capture).supervised == [ticket.pk]
    assert sweep(late, capture).event_ids == []

    assert kinds(ticket) == ["register", "dispatch", "urge", "supervise"]
    assert delivered.count("urge") == 1 and delivered.count("supervise") == 1
    # …and the unit head got exactly one urge text and one supervision text.
    assert sms_templates(ticket).count("unit_urge") == 1
    assert sms_templates(ticket).count("unit_supervise") == 1
    urge = TicketEvent.objects.get(ticket=ticket, kind="urge")
    assert urge.actor is None and urge.actor_label == "系统"
    assert urge.payload["unit_id"] == ticket.lead_unit_id and urge.payload["light"] == "yellow"
    notice = SupervisionNotice.objects.get(ticket=ticket)
    assert notice.event.kind == "supervise" and notice.unit_id == ticket.lead_unit_id
    assert notice.days_overdue == 2 and notice.ticket_number == ticket.number
    assert notice.file  # rendered by the worker (eager here)
    assert not EventOutbox.objects.exists()
    assert not LightTimer.objects.filter(ticket=ticket).exists()  # nothing more is owed


def test_a_ticket_that_skipped_yellow_gets_only_the_supervision_notice(ticket, django_capture_on_commit_callbacks):
    sweep(ticket.due_at + SECOND, django_capture_on_commit_callbacks)
    assert kinds(ticket)[-1:] == ["supervise"] and "urge" not in kinds(ticket)


def test_an_approved_extension_lets_the_light_warn_again(ticket, staff_a, supervisor,
                                                        django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    ticket_sign(ticket=ticket, actor=staff_a)
    sweep(ticket.warn_at + SECOND, capture)
    extension = extension_request(ticket=ticket, actor=staff_a, reason="需协调多个部门", extra_days=10)
    extension_decide(extension=extension, actor=supervisor, approve=True)
    moved = Ticket.objects.get(pk=ticket.pk)
    assert owed(ticket) == {"yellow": moved.warn_at, "red": moved.due_at}
    assert sweep(moved.warn_at + SECOND, capture).urged == [ticket.pk]
    assert kinds(ticket).count("urge") == 2


def test_an_extension_after_the_supervision_supervises_again_when_late_again(
        ticket, staff_a, supervisor, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    ticket_sign(ticket=ticket, actor=staff_a)
    late = ticket.due_at + SECOND
    assert sweep(late, capture).supervised == [ticket.pk]
    with frozen_at(late):
        extension = extension_request(ticket=ticket, actor=staff_a, reason="需协调多个部门", extra_days=1)
        extension_decide(extension=extension, actor=supervisor, approve=True)
    moved = Ticket.objects.get(pk=ticket.pk)
    assert moved.warn_at <= late < moved.due_at
    # Already past its (new) warning time: no second urge is owed, only the supervision.
    assert owed(ticket) == {"red": moved.due_at}
    assert sweep(moved.due_at + SECOND, capture).supervised == [ticket.pk]
    assert kinds(ticket).count("supervise") == 2 and kinds(ticket).count("urge") == 0


def test_tickets_no_unit_is_handling_are_left_alone(ticket, staff_a, django_capture_on_commit_callbacks):
    """Replied, here awaiting the centre's review (办结审核): no unit holds it, no light notice."""
    ticket_sign(ticket=ticket, actor=staff_a)
    ticket_reply(ticket=ticket, actor=staff_a, text=REPLY)
    assert sweep(ticket.due_at + SECOND, django_capture_on_commit_callbacks).event_ids == []
    assert owed(ticket) == {}  # the timers that came due were dropped without a notice


def test_a_killed_worker_leaves_events_in_the_outbox_for_the_next_drain(ticket, delivered):
    timers.sweep_lights(now=ticket.warn_at + SECOND)  # commit hooks never run: as if killed right after commit
    assert EventOutbox.objects.get().event_ids and delivered == []
    assert outbox.drain() == 1
    assert delivered == ["urge"] and not EventOutbox.objects.exists()
    assert outbox.drain() == 0


def test_a_drain_hands_its_events_over_in_bounded_batches_oldest_first(ticket, monkeypatch):
    """Rows of a timer batch hold hundreds of events: a drain takes rows up to DRAIN_EVENTS per
    batch (at least one row), and the rest in the next round, none lost or repeated."""
    ids = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("pk", flat=True))
    assert len(ids) > 2  # register, dispatch and the SMS lines
    rows = [ids[:1], ids[1:2], ids, ids[:1]]  # 1, 1, all of them, 1
    EventOutbox.objects.bulk_create([EventOutbox(event_ids=row) for row in rows])
    monkeypatch.setattr(outbox, "DRAIN_EVENTS", 2)
    batches = []
    notify.subscribe("test.batches", lambda events: batches.append([e.pk for e in events]))
    try:
        assert outbox.drain() == sum(map(len, rows))
    finally:
        notify.unsubscribe("test.batches")
    assert batches == [rows[0] + rows[1], rows[2], rows[3]]  # the long row alone, though past the bound
    assert not EventOutbox.objects.exists()


def test_a_drains_own_events_wait_for_the_next_drain_which_they_ask_for(
        ticket, delivered, monkeypatch, django_capture_on_commit_callbacks):
    """The urge's SMS to the unit head writes an sms_sent line into the outbox during the drain.
    A drain whose round took everything there was stops there: the line asked for the next
    drain (gathered with what arrives meanwhile), which delivers it."""
    timers.sweep_lights(now=ticket.warn_at + SECOND)  # the urge waits in the outbox
    scheduled = []
    monkeypatch.setattr(outbox, "schedule_drain", lambda: scheduled.append(1))
    outbox.defer_notifications()  # as production: the SMS line goes into the outbox too
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.drain() == 1
        assert delivered == ["urge"] and scheduled == [1]
        assert EventOutbox.objects.count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.drain() == 1
        assert delivered == ["urge", "sms_sent"] and not EventOutbox.objects.exists()
        assert scheduled == [1]  # delivering the line wrote nothing more
    finally:
        notify.defer_to(None)


def test_a_drain_goes_on_while_rows_are_left_behind_and_stops_after_a_round_that_took_all(
        ticket, monkeypatch):
    """A backlog (DRAIN_ROWS rows claimed) is worked off in rounds; rows that commit after a
    round that found no backlog are left to the drain they asked for."""
    event_id = TicketEvent.objects.filter(ticket=ticket).earliest("id").pk
    EventOutbox.objects.bulk_create([EventOutbox(event_ids=[event_id]) for _ in range(5)])
    monkeypatch.setattr(outbox, "DRAIN_ROWS", 2)
    batches = []
    notify.subscribe("test.batches", lambda events: batches.append(len(events)))
    try:
        assert outbox.drain() == 5
        assert batches == [2, 2, 1]
        late = []

        def arrives_after_the_first_round(events):
            if not late:
                late.append(EventOutbox.objects.create(event_ids=[event_id]))
        notify.subscribe("test.late", arrives_after_the_first_round)
        EventOutbox.objects.create(event_ids=[event_id])
        assert outbox.drain() == 1
        assert list(EventOutbox.objects.values_list("pk", flat=True)) == [late[0].pk]
    finally:
        notify.unsubscribe("test.batches")
        notify.unsubscribe("test.late")


def test_a_supervisors_supervision_also_issues_a_notice(ticket, supervisor, staff_a, client,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = ticket_supervise(ticket=ticket, actor=supervisor, note="群众反映强烈，请加快办理")
    notice = SupervisionNotice.objects.get(event=event)
    assert notice.issued_by == str(supervisor) and "群众反映强烈" in notice.demand
    assert notice.days_overdue == 0 and notice.file


def test_sign_reminder_once_per_dispatch(ticket, staff_a, django_capture_on_commit_callbacks):
    late = ticket.sign_due_at + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(timers.remind_overdue(now=ticket.sign_due_at - SECOND)) == 0
        assert len(timers.remind_overdue(now=late)) == 1
        assert len(timers.remind_overdue(now=late + dt.timedelta(hours=1))) == 0
    assert kinds(ticket).count("sign_overdue") == 1
    ticket_sign(ticket=ticket, actor=staff_a)
    assert timers.remind_overdue(now=late) == []


def test_callback_due_reminder_once(ticket, staff_a, supervisor):
    ticket_sign(ticket=ticket, actor=staff_a)
    ticket_reply(ticket=ticket, actor=staff_a, text=REPLY)
    ticket_review_approve(ticket=ticket, actor=supervisor)  # a complaint's reply is reviewed first
    replied = Ticket.objects.get(pk=ticket.pk)
    late = replied.callback_due_at + SECOND
    assert len(timers.remind_overdue(now=late)) == 1
    assert timers.remind_overdue(now=late) == []
    assert TimerReminder.objects.filter(ticket=ticket, kind="callback_due").count() == 1


def test_survey_sms_goes_out_once_after_the_delay(ticket, staff_a, supervisor, settings):
    settings.HOTLINE_SURVEY_DELAY_MINUTES = 30
    ticket_sign(ticket=ticket, actor=staff_a)
    ticket_reply(ticket=ticket, actor=staff_a, text=REPLY)
    ticket_review_approve(ticket=ticket, actor=supervisor)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.method == "sms"
    assert timers.send_due_surveys(now=survey.created_at + dt.timedelta(minutes=29)) == []
    later = survey.created_at + dt.timedelta(minutes=31)
    assert len(timers.send_due_surveys(now=later)) == 1
    assert timers.send_due_surveys(now=later) == []
    survey.refresh_from_db()
    assert survey.sent_at == later
    event = TicketEvent.objects.get(ticket=ticket, kind="survey_sent")
    assert event.payload["survey_id"] == survey.pk and event.actor_label == "系统"


def test_phone_surveys_are_not_texted(operator, supervisor, unit_a, staff_a):
    ticket = dispatched(operator, supervisor, unit_a, phone="0394-8123456")
    ticket_sign(ticket=ticket, actor=staff_a)
    ticket_reply(ticket=ticket, actor=staff_a, text=REPLY)
    ticket_review_approve(ticket=ticket, actor=supervisor)
    assert Survey.objects.get(ticket=ticket).method == "phone"
    assert timers.send_due_surveys(now=Survey.objects.get(ticket=ticket).created_at + dt.timedelta(days=1)) == []


def test_run_timers_once_runs_the_whole_schedule(ticket, capsys):
    Ticket.objects.filter(pk=ticket.pk).update(warn_at=ticket.dispatched_at, due_at=ticket.dispatched_at)
    LightTimer.objects.filter(ticket=ticket).update(fires_at=ticket.dispatched_at)
    call_command("run_timers", "--once")
    assert "supervise" in kinds(ticket)
    assert "dispatch.sweep_lights" in capsys.readouterr().out
