"""申诉 (issue 18 item 2, docs/APPEALS.md): a unit files, the centre upholds or rejects.

Each step locks the ticket row (hotline.workflow.lock_ticket), writes its timeline event through
record_event in the same transaction, and a ruling claims the pending appeal with a conditional
UPDATE: of two supervisors ruling at once exactly one changes the row, the other gets 409.
An upheld appeal sets a flag on the core row the reports' rollup reads (Survey.appeal_upheld,
Ticket.overdue_excused); the ruling's event marks the ticket's day dirty, so the next rollup
refresh rebuilds it and the unit's KPIs and score follow."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch.deadlines import iso_local
from dispatch.models import Survey
from dispatch.services.handling import validate_attachments
from dispatch.visibility import ticket_visible_to
from hardening.uploads import safe_content_type
from hotline.errors import Conflict, InvalidInput, NotAllowed, NotFound
from hotline.models import Role, Ticket
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event, touch

from . import rules
from .models import Appeal, AppealAttachment

MAX_ATTACHMENTS = 5


def _local_minute(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@transaction.atomic
def appeal_file(*, ticket: Ticket, actor, kind: str, reason: str, files=()) -> Appeal:
    """A unit's staff appeal the ticket's dissatisfied rating or its overdue, within
    APPEAL_WINDOW_WORKING_DAYS working days of it, with a reason and optional attachments."""
    require_role(actor, Role.UNIT_STAFF, what="提出申诉")
    if not actor.unit_id:
        raise NotAllowed("您的账号未关联承办单位，不能提出申诉")
    if kind not in rules.KIND_LABELS:
        raise InvalidInput("申诉类型须为：" + "、".join(str(v) for v in rules.KIND_LABELS.values()), field="kind")
    reason = validate_text(reason, field="reason", label="申诉理由", max_length=2000)
    files = validate_attachments(files, max_count=MAX_ATTACHMENTS)
    if not ticket_visible_to(actor, ticket):
        raise NotFound("工单不存在")
    locked = lock_ticket(ticket.pk)
    now = timezone.now()
    event = rules.appealable(locked, kind, now)
    if event is None:
        what = "没有不满意的回访评价" if kind == Appeal.Kind.DISSATISFIED else "没有超期"
        raise InvalidInput(f"该工单{what}，无可申诉的事项", field="kind")
    if event.unit_id != actor.unit_id:
        raise NotAllowed("该事项不是本单位承办时发生的，只能由当时的主办单位申诉")
    if rules.excused(locked, event):
        raise Conflict("该事项的申诉已经成立", code="appeal_upheld")
    if now > event.window_end:
        raise Conflict(f"申诉须在事项发生后{rules.window_days()}个工作日内提出，本事项的申诉期限已于"
                       f"{_local_minute(event.window_end)}截止", code="appeal_window_passed")
    earlier = rules.already_appealed(locked, event)
    if earlier is not None and earlier.state != Appeal.State.PENDING:
        raise Conflict(f"该事项已申诉并已裁定（{earlier.get_state_display()}），不能再次申诉", code="appeal_ruled")
    due, warn = rules.ruling_deadlines(now)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                ticket=locked, unit=actor.unit, kind=kind, survey=event.survey, reason=reason,
                filed_by=actor, ruling_due_at=due, ruling_warn_at=warn)
    except IntegrityError:
        raise Conflict("该工单已有同类申诉在审核中，请等待热线办裁定", code="appeal_pending") from None
    for f in files:
        AppealAttachment.objects.create(appeal=appeal, file=f, name=f.name[:200], size=f.size,
                                        content_type=safe_content_type(getattr(f, "sniffed_kind", "")))
    touch(locked)
    record_event(ticket=locked, kind="appeal_filed", actor=actor, payload={
        "appeal_id": appeal.pk, "appeal_kind": kind, "appeal_kind_label": str(rules.KIND_LABELS[kind]),
        "unit": actor.unit.name, "unit_id": actor.unit_id, "reason": reason,
        "attachments": len(files), "ruling_due_at": iso_local(due),
    })
    return appeal


def _claim(appeal: Appeal, *, state: str, actor, note: str) -> Appeal:
    """A conditional UPDATE of the pending row: the second of two rulings changes nothing (409)."""
    claimed = Appeal.objects.filter(pk=appeal.pk, state=Appeal.State.PENDING).update(
        state=state, decided_by=actor, decided_at=timezone.now(), decision_note=note)
    if not claimed:
        raise Conflict("该申诉已经裁定（可能已由他人处理），不能重复裁定", code="appeal_not_pending")
    return Appeal.objects.select_related("unit", "survey", "filed_by").get(pk=appeal.pk)


def _ruling_payload(appeal: Appeal, note: str) -> dict:
    return {"appeal_id": appeal.pk, "appeal_kind": appeal.kind, "appeal_kind_label": appeal.get_kind_display(),
            "unit": appeal.unit.name, "unit_id": appeal.unit_id, "note": note}


@transaction.atomic
def appeal_uphold(*, appeal: Appeal, actor, note: str) -> Appeal:
    """申诉成立: the dissatisfied answer stops being a valid callback, or the overdue counts as on
    time, for the unit's KPIs and score; who ruled and why is recorded on the appeal and the timeline."""
    require_role(actor, *OFFICE, what="裁定申诉")
    note = validate_text(note, field="note", label="裁定意见", max_length=2000)
    locked = lock_ticket(appeal.ticket_id)
    ruled = _claim(appeal, state=Appeal.State.UPHELD, actor=actor, note=note)
    if ruled.kind == Appeal.Kind.DISSATISFIED:
        Survey.objects.filter(pk=ruled.survey_id).update(appeal_upheld=True)
        touch(locked)
    else:
        locked.overdue_excused = True
        touch(locked, "overdue_excused")
    record_event(ticket=locked, kind="appeal_upheld", actor=actor, payload=_ruling_payload(ruled, note))
    return ruled


@transaction.atomic
def appeal_reject(*, appeal: Appeal, actor, reason: str) -> Appeal:
    """申诉驳回 with a reason the unit reads; the event keeps counting."""
    require_role(actor, *OFFICE, what="裁定申诉")
    reason = validate_text(reason, field="reason", label="驳回理由", max_length=2000)
    locked = lock_ticket(appeal.ticket_id)
    ruled = _claim(appeal, state=Appeal.State.REJECTED, actor=actor, note=reason)
    touch(locked)
    record_event(ticket=locked, kind="appeal_rejected", actor=actor, payload=_ruling_payload(ruled, reason))
    return ruled
