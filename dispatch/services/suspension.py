"""挂起 (issue 16, item 4): the clock stops while the ticket waits on something outside the
unit's hands (the citizen's materials, a court case, a site condition), with the centre's approval.

- The lead unit handling a ticket (已派单 / 办理中), or the centre's operator for a ticket it waits
  on the citizen for, asks with a reason and the expected working days (`ticket_suspension_request`);
  one open suspension per ticket (a conditional unique constraint).
- A supervisor approves or refuses (`ticket_suspension_decide`): a conditional UPDATE of the
  pending row under the ticket's lock, so of two decisions at once one wins and the other gets 409.
  Approval moves the ticket to 已挂起: its light freezes, its light timers are dropped, and the
  unit can neither sign nor reply until it resumes.
- It resumes (`ticket_resume`) when a supervisor says so (恢复办理), when the citizen texts back
  (sms_gateway.intake), or by the sweep once HOTLINE_SUSPENSION_MAX_WORKING_DAYS of working time
  have passed (`suspensions_resume_due`, idempotent). The deadlines move later by the working
  time the ticket stood still (dispatch.deadlines.working_seconds_between; clock time for tickets
  whose limit counts clock hours), and the light timers are owed again.
"""
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.events import SYSTEM
from hotline.models import Role, Ticket, TicketState
from hotline.models.tickets import HANDLING_STATES
from hotline.permissions import HOTLINE_STAFF, OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event, transition

from ..calendar import WorkCalendar
from ..deadlines import (
    add_working_seconds,
    during_work,
    iso_local,
    limits_for_ticket,
    local_tz,
    ticket_light,
    working_seconds_between,
    working_span_label,
)
from ..models import Assignment, LightTimer, LimitUnit, Suspension
from ..timers import schedule_light_timers
from .calendar import note_uncovered_calendar
from .handling import require_assignment

REASON_MAX = 1000
NOTE_MAX = 1000
SWEEP_BATCH = 500


def max_working_days() -> int:
    return max(1, int(settings.HOTLINE_SUSPENSION_MAX_WORKING_DAYS))


def shown(moment: dt.datetime | None) -> str:
    """A moment as the timeline and the pages say it: 2025-10-09 23:59."""
    return timezone.localtime(moment, local_tz()).strftime("%Y-%m-%d %H:%M") if moment else ""


@transaction.atomic
def ticket_suspension_request(*, ticket: Ticket, actor, reason_kind: str, reason: str,
                              expected_days: int) -> Suspension:
    """申请挂起: the lead unit (or the centre's operator) asks to stop the ticket's clock."""
    assignment = None
    if actor is not None and actor.is_authenticated and actor.role == Role.UNIT_STAFF:
        assignment = require_assignment(ticket, actor, what="申请挂起")
        if assignment.role != Assignment.Role.LEAD:
            raise NotAllowed("只有主办单位可以申请挂起，协办单位请联系主办单位")
    else:
        require_role(actor, *HOTLINE_STAFF, what="申请挂起")
    if reason_kind not in Suspension.Reason.values:
        raise InvalidInput("请选择挂起原因", field="reason_kind")
    reason = validate_text(reason, field="reason", label="挂起说明", max_length=REASON_MAX)
    longest = max_working_days()
    if isinstance(expected_days, bool) or not isinstance(expected_days, int) or not 1 <= expected_days <= longest:
        raise InvalidInput(f"预计挂起天数须为1到{longest}个工作日（期满自动恢复办理）", field="expected_days")
    locked = lock_ticket(ticket.pk)
    if locked.state not in HANDLING_STATES:
        raise Conflict(f"工单当前状态为「{TicketState(locked.state).label}」，不能申请挂起", code="state_conflict")
    try:
        with transaction.atomic():
            suspension = Suspension.objects.create(
                ticket=locked, assignment=assignment, unit_id=locked.lead_unit_id, requested_by=actor,
                reason_kind=reason_kind, reason=reason, expected_days=expected_days,
            )
    except IntegrityError:
        raise Conflict("该工单已有一份挂起申请在审核中", code="suspension_open") from None
    record_event(ticket=locked, kind="suspension_requested", actor=actor, payload={
        "suspension_id": suspension.pk, "reason_kind": reason_kind,
        "suspend_reason": str(Suspension.Reason(reason_kind).label), "reason": reason, "expected_days": expected_days,
        "unit": locked.lead_unit.name if locked.lead_unit_id else "", "unit_id": locked.lead_unit_id,
    })
    return suspension


@transaction.atomic
def ticket_suspension_decide(*, ticket: Ticket, actor, approve: bool, note: str = "") -> Suspension:
    """同意挂起 / 驳回: the centre decides the ticket's pending request. Approval stops the clock."""
    require_role(actor, *OFFICE, what="审核挂起申请")
    if not isinstance(approve, bool):
        raise InvalidInput("请选择同意或驳回", field="approve")
    note = validate_text(note, field="note", label="审核意见", max_length=NOTE_MAX, required=False)
    locked = lock_ticket(ticket.pk)
    pending = Suspension.objects.filter(ticket=locked, state=Suspension.State.PENDING).first()
    if pending is None:
        raise Conflict("该工单没有待审核的挂起申请（可能已由他人审核）", code="suspension_decided")
    now = timezone.now()
    decided = {"decided_by": actor, "decided_at": now, "decision_note": note}
    payload = {"suspension_id": pending.pk, "reason_kind": pending.reason_kind,
               "suspend_reason": str(Suspension.Reason(pending.reason_kind).label), "note": note,
               "unit": locked.lead_unit.name if locked.lead_unit_id else "", "unit_id": locked.lead_unit_id}
    if not approve:
        _claim(pending, state=Suspension.State.REJECTED, **decided)
        record_event(ticket=locked, kind="suspension_rejected", actor=actor, payload=payload)
        return Suspension.objects.get(pk=pending.pk)
    if locked.state not in HANDLING_STATES:
        raise Conflict(f"工单当前状态为「{TicketState(locked.state).label}」，不能挂起", code="state_conflict")
    resume_by = add_working_seconds(now, max_working_days() * 86400)
    _claim(pending, state=Suspension.State.ACTIVE, suspended_at=now, resume_by=resume_by,
           old_due_at=locked.due_at, **decided)
    suspended = transition(ticket=locked, action="suspend", actor=actor, payload=payload | {
        "reason": pending.reason, "expected_days": pending.expected_days, "light": ticket_light(locked, now),
        "due_at": iso_local(locked.due_at), "resume_by": iso_local(resume_by), "resume_by_text": shown(resume_by),
    })
    LightTimer.objects.filter(ticket_id=suspended.pk).delete()  # no urge, no supervision while it stands still
    return Suspension.objects.get(pk=pending.pk)


def _claim(suspension: Suspension, *, state: str, **fields) -> None:
    """Decide a pending request only if it is still pending: of two decisions one wins."""
    if not Suspension.objects.filter(pk=suspension.pk, state=Suspension.State.PENDING).update(state=state, **fields):
        raise Conflict("该挂起申请已审核", code="suspension_decided")


RESUMED_LABELS = dict(Suspension.ResumedHow.choices)


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor=None, actor_label: str = "", how: str = Suspension.ResumedHow.SUPERVISOR,
                  note: str = "") -> Ticket:
    """恢复办理: the clock runs again and every deadline moves later by the time it stood still.

    A supervisor (`actor`, how=supervisor), the citizen's text (no actor, how=citizen) or the
    sweep (no actor, how=auto)."""
    if actor is not None:
        require_role(actor, *OFFICE, what="恢复办理")
        if how != Suspension.ResumedHow.SUPERVISOR:
            raise InvalidInput("恢复方式有误", field="how")
    elif how not in (Suspension.ResumedHow.CITIZEN, Suspension.ResumedHow.AUTO):
        raise NotAllowed("您的角色无权恢复办理")
    note = validate_text(note, field="note", label="说明", max_length=NOTE_MAX, required=False)
    locked = lock_ticket(ticket.pk)
    if locked.state != TicketState.SUSPENDED:
        raise Conflict(f"工单当前状态为「{TicketState(locked.state).label}」，无需恢复办理", code="state_conflict")
    active = Suspension.objects.filter(ticket=locked, state=Suspension.State.ACTIVE).first()
    now = timezone.now()
    if how == Suspension.ResumedHow.AUTO and active is not None and active.resume_by and active.resume_by > now:
        raise Conflict("挂起尚未期满", code="state_conflict")  # resumed and suspended again since the sweep looked
    started = (active.suspended_at if active else None) or locked.state_changed_at
    moved = moved_deadlines(locked, started=started, now=now)
    if active is not None and not Suspension.objects.filter(pk=active.pk, state=Suspension.State.ACTIVE).update(
            state=Suspension.State.RESUMED, resumed_at=now, resumed_how=how, resumed_by=actor,
            paused_seconds=moved["paused"], new_due_at=moved["due_at"]):
        raise Conflict("工单已恢复办理", code="state_conflict")
    payload = {
        "suspension_id": active.pk if active else None, "how": how, "how_label": str(RESUMED_LABELS[how]),
        "note": note, "suspended_at": iso_local(started), "paused_seconds": moved["paused"], "span": moved["span"],
        "old_due_at": iso_local(locked.due_at), "new_due_at": iso_local(moved["due_at"]),
        "due_at": iso_local(moved["due_at"]), "unit": locked.lead_unit.name if locked.lead_unit_id else "",
        "unit_id": locked.lead_unit_id,
    }
    if locked.due_at and moved["due_at"] != locked.due_at:
        payload["moved"] = f"办理时限由 {shown(locked.due_at)} 顺延至 {shown(moved['due_at'])}"
    old_due = locked.due_at
    resumed = transition(
        ticket=locked, action="resume" if locked.signed_at else "resume_unsigned", actor=actor,
        actor_label=actor_label or ("" if actor else SYSTEM), payload=payload,
        changes={"due_at": moved["due_at"], "warn_at": moved["warn_at"], "sign_due_at": moved["sign_due_at"]},
    )
    # The notices follow the new deadline: a light not reached yet is owed again (as after an extension).
    schedule_light_timers(ticket=resumed, now=now, only_future=True)
    if old_due and moved["due_at"] and moved["due_at"] != old_due:
        note_uncovered_calendar(ticket=resumed, start=old_due, end=moved["due_at"])
    return resumed


def moved_deadlines(ticket: Ticket, *, started: dt.datetime, now: dt.datetime) -> dict:
    """The ticket's deadlines moved by the time it stood still, from `started` to `now`.

    Working-day limits move by the working time in between (working_seconds_between: whole
    working days of the Chinese calendar, rest days not at all); limits in clock hours (urgent
    tickets) by the clock time, as their clock counts every hour. The yellow time moves the same
    and then, as every yellow time does, into office hours; the signing deadline moves only while
    the lead unit has not signed."""
    limits = limits_for_ticket(ticket)
    if limits.limit_unit == LimitUnit.CLOCK_HOURS:
        paused = max(0, int((now - started).total_seconds()))

        def move(moment):
            return moment + dt.timedelta(seconds=paused) if moment else moment

        span = f"{shown(started)} 至 {shown(now)}，按自然时间计{working_span_label(paused).replace('个工作日', '天')}"
    else:
        paused = working_seconds_between(started, now)

        def move(moment):
            return add_working_seconds(moment, paused) if moment else moment

        span = f"{shown(started)} 至 {shown(now)}，计{working_span_label(paused)}（工作日时间）"
    due, warn = move(ticket.due_at), move(ticket.warn_at)
    if warn is not None and due is not None and paused:
        start = ticket.dispatched_at or started
        first = timezone.localtime(start, local_tz()).date()
        calendar = WorkCalendar(first, days=(timezone.localtime(due, local_tz()).date() - first).days + 1)
        warn = min(during_work(warn, start, due, calendar), due)
    sign_due = move(ticket.sign_due_at) if ticket.signed_at is None else ticket.sign_due_at
    return {"paused": paused, "due_at": due, "warn_at": warn, "sign_due_at": sign_due, "span": span}


def suspensions_resume_due(*, now: dt.datetime | None = None) -> list[int]:
    """The sweep: every ticket suspended past its latest moment (resume_by) resumes, once. Each in
    its own transaction under the ticket's lock; a ticket someone resumed meanwhile is skipped, so a
    second run, or one overlapping this, resumes nothing twice. Returns the tickets resumed."""
    now = now or timezone.now()
    due = list(Suspension.objects.filter(state=Suspension.State.ACTIVE, resume_by__lte=now)
               .order_by("resume_by").values_list("ticket_id", flat=True)[:SWEEP_BATCH])
    resumed = []
    for ticket_id in due:
        try:
            ticket_resume(ticket=Ticket(pk=ticket_id), how=Suspension.ResumedHow.AUTO,
                          note=f"挂起已满{max_working_days()}个工作日，系统自动恢复办理")
        except Conflict:
            continue
        resumed.append(ticket_id)
    return resumed


def ticket_resume_by_citizen(*, ticket: Ticket, actor_label: str) -> Ticket | None:
    """The citizen texted back while their ticket was suspended: the ticket resumes (the text itself
    is the caller's follow-up). None when it resumed meanwhile by another way."""
    try:
        return ticket_resume(ticket=ticket, actor_label=actor_label, how=Suspension.ResumedHow.CITIZEN,
                             note="市民回复短信（内容见“市民补充”），恢复办理")
    except Conflict:
        return None
