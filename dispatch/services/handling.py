"""Dispatch to units, and what a unit does with a ticket: sign, reply (退单: returns.py)."""
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hardening.uploads import ATTACHMENT_KINDS, UploadRefused, check_upload, safe_content_type
from hotline.errors import Conflict, InvalidInput, NotAllowed, UnsupportedFile
from hotline.models import Category, Role, Ticket, TicketState, Unit
from hotline.models.tickets import HANDLING_STATES
from hotline.permissions import HOTLINE_STAFF, require_role
from hotline.validation import validate_text
from hotline.workflow import TRANSITIONS, lock_ticket, record_event, transition

from ..deadlines import add_working_days, co_unit_deadlines, deadlines_from, iso_local, limits_for_ticket
from ..models import Assignment, Attachment, Reply
from ..timers import schedule_light_timers
from .approval import approval_policy_for
from .calendar import note_uncovered_calendar
from .callbacks import survey_open
from .parts import describe_open_co_parts, open_co_parts, withdraw_extensions, withdraw_returns, withdraw_suspensions
from .review import reply_review_required, validate_reply_text
from .subparts import co_parts_record, settle_before_reply, sub_reply_payload

MAX_ATTACHMENTS = 10


def current_assignment(ticket: Ticket, unit_id: int | None) -> Assignment | None:
    if unit_id is None:
        return None
    return (
        Assignment.objects.select_for_update()
        .filter(ticket=ticket, unit_id=unit_id, is_current=True)
        .exclude(state__in=[Assignment.State.CANCELLED, Assignment.State.RETURNED, Assignment.State.REASSIGNED])
        .first()
    )


def require_assignment(ticket: Ticket, actor, *, what: str) -> Assignment:
    """The actor's unit's current part in a ticket that units are handling now."""
    require_role(actor, Role.UNIT_STAFF, what=what)
    # Lock the ticket before its assignments, in the same order as dispatch, so
    # that a unit and the office acting at once queue instead of deadlocking.
    locked = lock_ticket(ticket.pk)
    assignment = current_assignment(ticket, actor.unit_id)
    if assignment is None:
        if Assignment.objects.filter(ticket=ticket, unit_id=actor.unit_id).exists():
            # The unit had it and lost it (returned, reassigned, re-dispatched, merged): the ticket moved on.
            raise Conflict(f"工单已不由本单位承办，不能{what}", code="state_conflict")
        raise NotAllowed(f"本单位不是该工单的承办单位，不能{what}")
    if locked.state not in HANDLING_STATES:
        raise Conflict(f"工单当前状态为「{TicketState(locked.state).label}」，不能{what}", code="state_conflict")
    return assignment


def checked_units(lead_unit: Unit, co_units) -> list[Unit]:
    """The co-units without the lead unit and without repeats; every unit must be active."""
    co_units = list({u.pk: u for u in co_units if u.pk != lead_unit.pk}.values())
    for unit in [lead_unit, *co_units]:
        if not unit.is_active:
            raise InvalidInput(f"单位「{unit.name}」已停用", field="lead_unit")
    return co_units


def hand_to_units(*, ticket: Ticket, actor, action: str, lead_unit: Unit, co_units: list[Unit],
                  payload: dict | None = None, changes: dict | None = None) -> Ticket:
    """What 派单, 重新派单 and 改派 share, on a locked ticket: a fresh deadline from now per policy
    (the ticket's category and type as they are on `ticket`), the transition `action` with the
    units and the deadline in its payload, the light timers, and a new round of parts (the
    earlier parts stay as history, no longer current)."""
    now = timezone.now()
    limits = limits_for_ticket(ticket)
    deadlines = deadlines_from(now, limits)
    # Issue 16 item 6: each co-unit answers by its own deadline, before the lead's.
    co_due, co_warn = co_unit_deadlines(now, deadlines, limits) if co_units else (None, None)
    previous_round = (
        Assignment.objects.filter(ticket=ticket).order_by("-round").values_list("round", flat=True).first() or 0
    )
    Assignment.objects.filter(ticket=ticket, is_current=True).update(is_current=False)
    payload = {
        "lead_unit": lead_unit.name, "lead_unit_id": lead_unit.pk,
        "co_units": [u.name for u in co_units], "co_unit_ids": [u.pk for u in co_units],
        "due_at": iso_local(deadlines.due_at),
    } | (payload or {})
    if co_units:  # issue 16 item 6: the co-units' own deadline (one rule for all of them)
        payload["co_due_at"] = iso_local(co_due)
    changes = {
        "lead_unit": lead_unit, "dispatched_at": now, "signed_at": None, "replied_at": None,
        "sign_due_at": deadlines.sign_due_at, "due_at": deadlines.due_at, "warn_at": deadlines.warn_at,
        "callback_due_at": None,
    } | (changes or {})
    handed = transition(ticket=ticket, action=action, actor=actor, payload=payload, changes=changes)
    schedule_light_timers(ticket=handed, now=now)
    Assignment.objects.bulk_create(
        [Assignment(ticket=handed, unit=lead_unit, role=Assignment.Role.LEAD,
                    round=previous_round + 1, assigned_by=actor)]
        + [Assignment(ticket=handed, unit=u, role=Assignment.Role.CO, due_at=co_due, warn_at=co_warn,
                      round=previous_round + 1, assigned_by=actor) for u in co_units]
    )
    note_uncovered_calendar(ticket=handed, start=now, end=deadlines.due_at)
    return handed


@transaction.atomic
def ticket_dispatch(*, ticket: Ticket, actor, lead_unit: Unit, co_units=(), note: str = "",
                    category: Category | None = None) -> Ticket:
    """派单 / 重新派单: give the ticket to a lead unit (and co-units); the clock starts now.

    A ticket goes to a unit only with a category (the board's areas, the deadlines and the
    reports all read it): `category` sets or corrects it in the same step."""
    require_role(actor, *HOTLINE_STAFF, what="派单")
    note = validate_text(note, field="note", label="派单意见", max_length=1000, required=False)
    co_units = checked_units(lead_unit, co_units)
    if category is not None and not category.is_active:
        raise InvalidInput(f"分类「{category.full_name}」已停用，请选择其他分类", field="category")
    locked = lock_ticket(ticket.pk)
    action = "redispatch" if locked.state == TicketState.RETURNED else "dispatch"
    recategorised = category is not None and category.pk != locked.category_id
    if recategorised:
        locked.category = category  # the deadlines and the approval rule below follow the new category
    if locked.category_id is None and locked.state in TRANSITIONS[action].sources:
        # The ticket's state, not the request, is wanting (as with approval_required): a 409 that
        # names the field, so that the same call with a category goes through.
        raise Conflict("工单尚未选择诉求分类，请先选择分类再派单", code="category_required", field="category")
    if locked.state == TicketState.REGISTERED and approval_policy_for(locked) is not None:
        raise Conflict("该类工单须先呈报领导批示后再派单", code="approval_required")
    payload, changes = {"note": note}, {}
    if recategorised:
        payload |= {"category": category.full_name, "category_id": category.pk}
        changes["category"] = category
    return hand_to_units(ticket=locked, actor=actor, action=action, lead_unit=lead_unit, co_units=co_units,
                         payload=payload, changes=changes)


@transaction.atomic
def ticket_sign(*, ticket: Ticket, actor) -> Ticket:
    """签收. The lead unit's signature moves the ticket to in_progress; a co-unit's is recorded."""
    assignment = require_assignment(ticket, actor, what="签收")
    if assignment.state != Assignment.State.PENDING:
        raise Conflict("本单位已签收该工单", code="state_conflict")
    now = timezone.now()
    if assignment.role == Assignment.Role.LEAD:
        signed = transition(ticket=ticket, action="sign", actor=actor,
                            payload={"unit": actor.unit.name}, changes={"signed_at": now})
    else:
        signed = lock_ticket(ticket.pk)
        # A sub-unit's signature (issue 16 item 5: 二级派单) is a line of its own.
        record_event(ticket=signed, kind="hand_down_signed" if assignment.role == Assignment.Role.SUB else "co_sign",
                     actor=actor, payload={"unit": actor.unit.name})
    Assignment.objects.filter(pk=assignment.pk).update(
        state=Assignment.State.SIGNED, signed_at=now, signed_by=actor
    )
    return signed


def validate_attachments(files, *, max_count: int = MAX_ATTACHMENTS) -> list:
    """Attachments (of a reply, an appeal …): how many, how big, and their kind by content."""
    files = list(files or [])
    if len(files) > max_count:
        raise InvalidInput(f"附件最多{max_count}个", field="files")
    for f in files:
        if f.size > settings.HOTLINE_MAX_ATTACHMENT_BYTES:
            limit_mb = settings.HOTLINE_MAX_ATTACHMENT_BYTES // (1024 * 1024)
            raise InvalidInput(f"附件「{f.name}」超过{limit_mb}MB", field="files")
        try:  # by content, not name (issue 20 item 5): no HTML or SVG renamed .jpg, no programs
            f.sniffed_kind = check_upload(f, allowed=ATTACHMENT_KINDS)
        except UploadRefused as refused:
            raise UnsupportedFile(str(refused), field="files") from None
    return files


@transaction.atomic
def ticket_reply(*, ticket: Ticket, actor, text: str, files=(), confirm_absent_co_units: bool = False,
                 confirm_open_sub_parts: bool = False) -> Reply:
    """回复: the lead unit's result moves the ticket to replied and opens the callback survey, or,
    on a type the centre reviews (办结审核), to reviewing until the centre approves or sends it back;
    a co-unit's reply (协办意见) is added to the record. A reply must say what was done
    (review.validate_reply_text: not empty, not only 已处理, at least HOTLINE_REPLY_MIN_LENGTH).

    Co-units can no longer answer once the lead has replied, so while any of them has not
    answered the lead's reply is refused (409 co_units_unanswered) unless the lead confirms
    it replies without them (`confirm_absent_co_units`); the reply event then records
    which co-units had not answered, and what each co-unit that did answer said (issue 16).

    Issue 16 item 5: a unit that handed the ticket down to sub-units replies only once it has
    settled their parts (409 sub_parts_open), unless it confirms (`confirm_open_sub_parts`: those
    parts end). A sub-unit's reply goes to its parent unit for review, not to the centre."""
    assignment = require_assignment(ticket, actor, what="回复")
    is_lead = assignment.role == Assignment.Role.LEAD
    if assignment.state != Assignment.State.SIGNED:
        raise Conflict("请先签收工单再回复" if assignment.state == Assignment.State.PENDING
                       else "本单位已回复该工单", code="state_conflict")
    # 办结审核: an empty or token reply (已处理 …) is refused, lead or co-unit, before anything is saved.
    text = validate_reply_text(text, label="办理结果" if is_lead else "协办意见")
    files = validate_attachments(files)
    now = timezone.now()
    payload = {"unit": actor.unit.name, "text": text, "attachments": [f.name for f in files]}
    reviewed = False
    is_sub = assignment.role == Assignment.Role.SUB  # issue 16 item 5
    if not is_sub:
        payload |= settle_before_reply(assignment, confirm=confirm_open_sub_parts)
    if is_lead:
        payload |= co_parts_record(ticket)  # issue 16 item 6: each co-unit answered or absent
        absent = open_co_parts(ticket)
        if absent and not confirm_absent_co_units:
            raise Conflict(
                f"以下协办单位尚未答复：{describe_open_co_parts(absent)}。主办单位回复后协办单位将不能再提交意见；"
                "请等待协办意见，或确认记录其未答复后再回复",
                code="co_units_unanswered", field="confirm_absent_co_units",
            )
        if absent:
            payload |= {"absent_co_units": [p["unit"] for p in absent],
                        "absent_co_unit_ids": [p["unit_id"] for p in absent]}
        # --- 办结审核 (issue 16 item 3): a reviewed type's lead reply waits for the centre
        # (dispatch/services/review.py); replied_at is the reply's time either way.
        reviewed = reply_review_required(ticket.ticket_type)
        if reviewed:
            replied = transition(ticket=ticket, action="reply_for_review", actor=actor, payload=payload,
                                 changes={"replied_at": now})
        else:
            limits = limits_for_ticket(ticket)
            replied = transition(
                ticket=ticket, action="reply", actor=actor, payload=payload,
                changes={"replied_at": now, "callback_due_at": add_working_days(now, limits.callback_limit_days)},
            )
        # --- end 办结审核
    else:
        replied = lock_ticket(ticket.pk)
        if is_sub:  # to the parent unit, for its review (issue 16 item 5)
            record_event(ticket=replied, kind="hand_down_replied", actor=actor,
                         payload=payload | sub_reply_payload(assignment))
        else:
            record_event(ticket=replied, kind="co_reply", actor=actor, payload=payload)
    reply = Reply.objects.create(
        ticket=replied, assignment=assignment, unit=actor.unit, author=actor, text=text, is_lead=is_lead,
        review_state=Reply.Review.PENDING if is_lead and reviewed else Reply.Review.NONE,
    )
    for f in files:
        # The type the content showed, not the one the browser claimed: downloads are served as it.
        Attachment.objects.create(reply=reply, file=f, name=f.name[:200], size=f.size,
                                  content_type=safe_content_type(getattr(f, "sniffed_kind", "")))
    Assignment.objects.filter(pk=assignment.pk).update(state=Assignment.State.REPLIED, replied_at=now, ended_at=now)
    if is_lead:
        withdraw_extensions(replied, note="工单已回复，延期申请自动撤销")
        withdraw_returns(replied, note="工单已回复，退单申请自动撤销")
        withdraw_suspensions(replied, note="工单已回复，挂起申请自动撤销")  # 挂起 (issue 16, item 4)
        if not reviewed:  # a reviewed reply opens the survey when the centre approves it
            survey_open(ticket=replied)
    return reply
