"""Two-level dispatch (二级派单, issue 16 item 5): a unit holding a ticket hands its part down to a
sub-unit of its own tree, keeps oversight, and reviews the sub-unit's reply before replying upward.

The model: the sub-unit's part is an Assignment with role SUB, `parent` the part it was handed
down from (the lead's or a co-unit's, signed), its own `due_at`/`warn_at` never later than the
parent's deadline (the ticket's for a lead part, the co part's own for a co part). The ticket's
state never changes here: these are the parent unit's internal steps, each a line on the timeline.

    pending ──sign──► signed ──reply──► replied ──accept──► replied + accepted_at (settled)
       │                 ▲                 │
       │                 └──── send back ──┘ (with a reason; the clock keeps running)
       └──── withdraw (收回), from any unsettled state ──► cancelled

The parent's own reply upward waits while a part is unsettled (409 `sub_parts_open`) unless the
parent confirms (`confirm_open_sub_parts`): those parts then end as 已结束 and the reply's event
names them. When the ticket leaves the unit (returned, merged, invalid, reopened) release_units
cancels them with the other current parts; when it closes, co_parts_close ends them.
A sub-unit cannot hand its part further down (two levels, as the name says)."""
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput, NotAllowed, NotFound
from hotline.models import Ticket, Unit
from hotline.validation import validate_text
from hotline.workflow import record_event

from ..deadlines import END_OF_DAY, iso_local, limits_for_ticket, local_tz, part_deadlines, warn_time
from ..models import UNSETTLED_SUB, Assignment, Reply
from .handling import require_assignment
from .subparts import excerpt


def parent_deadline(part: Assignment, ticket: Ticket) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(due, warn) a part handed down from `part` must answer before: the ticket's for the lead,
    the co part's own for a co-unit (the ticket's for a co part dispatched before it had one)."""
    if part.role == Assignment.Role.CO and part.due_at is not None:
        return part.due_at, part.warn_at
    return ticket.due_at, ticket.warn_at


def default_sub_deadline(part: Assignment, ticket: Ticket, now: dt.datetime) -> dt.datetime:
    """The deadline a hand-down form proposes: settings.HOTLINE_SUB_UNIT_LEAD_TIME_WORKING_DAYS
    working days before the parent's, not before the end of the next working day, never after the
    parent's (docs/PRODUCT.md §4.2)."""
    due, warn = parent_deadline(part, ticket)
    if due is None:
        raise Conflict("本单位的办理时限未定，不能转下级办理", code="state_conflict")
    return part_deadlines(start=now, parent_due=due, parent_warn=warn, limits=limits_for_ticket(ticket),
                          lead_days=settings.HOTLINE_SUB_UNIT_LEAD_TIME_WORKING_DAYS, min_days=1)[0]


def end_of_day(day: dt.date) -> dt.datetime:
    """A date a person picks as a deadline means the end of that day (as working-day limits do)."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=local_tz())


def _sub_part(ticket: Ticket, parent: Assignment, part_id) -> Assignment:
    """One of the parts handed down from `parent`, locked (the ticket is locked first)."""
    try:
        pk = int(part_id)
    except (TypeError, ValueError):
        raise NotFound("下级承办记录不存在", field="part") from None
    found = (Assignment.objects.select_for_update().select_related("unit")
             .filter(pk=pk, ticket=ticket, role=Assignment.Role.SUB, parent=parent).first())
    if found is None:
        raise NotFound("下级承办记录不存在", field="part")
    return found


def _holding_part(ticket: Ticket, actor, *, what: str) -> Assignment:
    """The actor's unit's current lead or co part, signed (a sub-unit may not hand down further)."""
    part = require_assignment(ticket, actor, what=what)
    if part.role == Assignment.Role.SUB:
        raise NotAllowed(f"下级承办单位不能{what}，请办理后回复上级单位")
    if part.state == Assignment.State.PENDING:
        raise Conflict(f"请先签收工单再{what}", code="state_conflict")
    if part.state != Assignment.State.SIGNED:
        raise Conflict(f"本单位已回复该工单，不能{what}", code="state_conflict")
    return part


@transaction.atomic
def ticket_hand_down(*, ticket: Ticket, actor, unit: Unit, due_at: dt.datetime | dt.date | None = None,
                     note: str = "") -> Assignment:
    """转下级办理: the actor's unit (its signed lead or co part) hands the ticket down to `unit`,
    an active unit below it, with a deadline no later than its own (default: see
    default_sub_deadline). The sub-unit's head gets the new-assignment SMS; the sub-unit's staff
    see the ticket in their inbox (dispatch.visibility: a sub part is a side part)."""
    parent = _holding_part(ticket, actor, what="转下级办理")
    note = validate_text(note, field="note", label="转办说明", max_length=1000, required=False)
    own = actor.unit
    if unit is None or unit.pk == own.pk or not unit.path.startswith(own.path):
        raise NotAllowed(f"只能转给本单位（{own.name}）的下级单位", field="unit")
    if not unit.is_active:
        raise InvalidInput(f"单位「{unit.name}」已停用", field="unit")
    locked = Ticket.objects.get(pk=ticket.pk)  # locked by require_assignment
    held = list(Assignment.objects.select_for_update().filter(ticket=locked, unit=unit, is_current=True)
                .exclude(state__in=[Assignment.State.CANCELLED, Assignment.State.RETURNED]))
    still_open = [p for p in held if p.role != Assignment.Role.SUB or p.state in (
        Assignment.State.PENDING, Assignment.State.SIGNED) or (
        p.state == Assignment.State.REPLIED and p.accepted_at is None)]
    if still_open:
        raise Conflict(f"「{unit.name}」已在办理本工单", code="already_assigned", field="unit")
    now = timezone.now()
    limit_due, _ = parent_deadline(parent, locked)
    if limit_due is None:
        raise Conflict("本单位的办理时限未定，不能转下级办理", code="state_conflict")
    if due_at is None:
        due = default_sub_deadline(parent, locked, now)
    else:
        due = due_at
        if not isinstance(due_at, dt.datetime):  # a day: its end, or the parent's deadline on that day
            due = end_of_day(due_at)
            if due_at == timezone.localtime(limit_due, local_tz()).date():
                due = min(due, limit_due)
        if due <= now < limit_due:  # (a parent already overdue hands down with its own, past, deadline)
            raise Conflict("下级办理时限须晚于现在", code="sub_due_out_of_range", field="due_at")
        if due > limit_due:
            shown = timezone.localtime(limit_due, local_tz()).strftime("%Y-%m-%d %H:%M")
            raise Conflict(f"下级办理时限不能晚于本单位的办理时限（{shown}）", code="sub_due_out_of_range",
                           field="due_at")
    # A sub part of this unit finished earlier (accepted or ended) becomes an earlier round's.
    Assignment.objects.filter(pk__in=[p.pk for p in held]).update(is_current=False)
    part = Assignment.objects.create(
        ticket=locked, unit=unit, role=Assignment.Role.SUB, parent=parent, round=parent.round,
        assigned_by=actor, due_at=due, warn_at=warn_time(now, due, limits_for_ticket(locked)), note=note,
    )
    record_event(ticket=locked, kind="hand_down", actor=actor, payload={
        "unit": own.name, "unit_id": own.pk, "sub_unit": unit.name, "sub_unit_id": unit.pk,
        "part_id": part.pk, "sub_due_at": iso_local(due), "note": note,
    })
    return part


@transaction.atomic
def ticket_hand_down_review(*, ticket: Ticket, actor, part, accept: bool, reason: str = "") -> Assignment:
    """审核下级回复: accept (the parent then replies upward itself, starting from this text) or send
    it back with a reason (the sub part is signed again, its deadline unchanged)."""
    parent = _holding_part(ticket, actor, what="审核下级回复")
    sub = _sub_part(ticket, parent, part)
    reason = validate_text(reason, field="reason", label="退回理由" if not accept else "审核意见",
                           max_length=1000, required=not accept)
    now = timezone.now()
    waiting = Assignment.objects.filter(pk=sub.pk, state=Assignment.State.REPLIED, accepted_at__isnull=True,
                                        is_current=True)
    if accept:
        changed = waiting.update(accepted_at=now, review_note=reason)
    else:
        changed = waiting.update(state=Assignment.State.SIGNED, replied_at=None, ended_at=None, review_note=reason)
    if not changed:
        raise Conflict(f"「{sub.unit.name}」{'尚未回复' if sub.state != Assignment.State.REPLIED else '的回复已审核'}，"
                       "不能审核", code="state_conflict")
    latest = Reply.objects.filter(assignment=sub).order_by("-id").values_list("text", flat=True).first() or ""
    payload = {"unit": actor.unit.name, "sub_unit": sub.unit.name, "sub_unit_id": sub.unit_id, "part_id": sub.pk}
    if accept:
        payload |= {"text": excerpt(latest), "note": reason}
    else:
        payload["reason"] = reason
    record_event(ticket=ticket, kind="hand_down_accepted" if accept else "hand_down_sent_back", actor=actor,
                 payload=payload)
    sub.refresh_from_db()
    return sub


@transaction.atomic
def ticket_hand_down_withdraw(*, ticket: Ticket, actor, part, reason: str = "") -> Assignment:
    """收回: the parent takes back a part it handed down and has not settled (not signed, in hand,
    or replied and not yet reviewed). The part ends as 已撤销 and leaves the sub-unit's inbox."""
    parent = _holding_part(ticket, actor, what="收回下级办理")
    sub = _sub_part(ticket, parent, part)
    reason = validate_text(reason, field="reason", label="收回理由", max_length=1000, required=False)
    changed = Assignment.objects.filter(UNSETTLED_SUB, pk=sub.pk).update(
        state=Assignment.State.CANCELLED, is_current=False, ended_at=timezone.now(), review_note=reason)
    if not changed:
        raise Conflict(f"「{sub.unit.name}」的办理已结束，不能收回", code="state_conflict")
    record_event(ticket=ticket, kind="hand_down_withdrawn", actor=actor, payload={
        "unit": actor.unit.name, "sub_unit": sub.unit.name, "sub_unit_id": sub.unit_id, "part_id": sub.pk,
        "reason": reason})
    sub.refresh_from_db()
    return sub
