"""Publishing a closed ticket as a public case, and withdrawing it. Supervisors and admins only.

The texts are the reviewer's (pre-filled by selectors.case_draft), and pass through
hotline.privacy.scrub_text once more here: whatever the reviewer typed, the citizen's name,
phone and address and any number that looks personal never reach the portal.
"""
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput
from hotline.models import Ticket, TicketState, TicketType
from hotline.permissions import OFFICE, require_role
from hotline.privacy import scrub_text
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event
from photos.services import photos_publish

from .models import PublishedCase

TITLE_MAX = 60
SUMMARY_MAX = 1000
ANSWER_MAX = 2000
REASON_MAX = 200


def public_text(ticket: Ticket, text: str) -> str:
    """The one rule for a case's public text: scrub_text with this ticket's citizen and address."""
    citizen = ticket.citizen if ticket.citizen_id else None
    return scrub_text(text, max_length=None, names=(citizen.name,) if citizen else (),
                      secrets=(citizen.phone if citizen else "", ticket.address))


def _checked(ticket: Ticket, value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = validate_text(value, field=field, label=label, max_length=max_length, required=required)
    scrubbed = public_text(ticket, value)
    if required and not scrubbed:
        raise InvalidInput(f"{label}去除个人信息后为空，请改写", field=field)
    return scrubbed


@transaction.atomic
def case_publish(*, ticket: Ticket, actor, title: str, summary: str, answer: str = "",
                 public_photo_ids=None) -> PublishedCase:
    """公开案例: show a closed ticket on the portal with the reviewed texts (again, when it was
    withdrawn or is already public: the texts are replaced). `public_photo_ids` (issue 19): the
    ticket's photos the reviewer ticked 公开 — exactly those appear with the case (None: the
    choice made before stays; no photo is public unless someone chose it)."""
    require_role(actor, *OFFICE, what="公开案例")
    locked = lock_ticket(ticket.pk)
    if locked.state != TicketState.CLOSED:
        raise Conflict("只有已办结的工单可以公开", code="state_conflict")
    if locked.ticket_type == TicketType.REPORT:
        # A report (举报) can name the reported person or business: never public.
        raise Conflict("举报类工单不予公开", code="not_publishable")
    fields = {
        "title": _checked(locked, title, field="title", label="公开标题", max_length=TITLE_MAX),
        "summary": _checked(locked, summary, field="summary", label="诉求摘要", max_length=SUMMARY_MAX),
        "answer": _checked(locked, answer, field="answer", label="办理结果", max_length=ANSWER_MAX, required=False),
    }
    category = locked.category
    was_public = PublishedCase.objects.filter(ticket=locked, state=PublishedCase.State.PUBLISHED).exists()
    case, _ = PublishedCase.objects.update_or_create(ticket=locked, defaults={
        **fields, "state": PublishedCase.State.PUBLISHED,
        "category_id": category.root_id if category is not None else None,
        "ticket_type": locked.ticket_type,
        "unit_name": locked.lead_unit.name if locked.lead_unit_id else "12345热线",
        "closed_at": locked.closed_at or locked.state_changed_at or timezone.now(),
        "published_at": timezone.now(), "published_by": actor,
        "withdrawn_at": None, "withdrawn_by": None, "withdraw_reason": "",
    })
    payload = {"title": fields["title"]}
    if public_photo_ids is not None:
        payload["public_photos"] = photos_publish(ticket=locked, photo_ids=public_photo_ids)
    record_event(ticket=locked, kind="case_updated" if was_public else "case_published", actor=actor,
                 payload=payload)
    return case


@transaction.atomic
def case_withdraw(*, ticket: Ticket, actor, reason: str = "") -> PublishedCase:
    """撤回公开: the case leaves the portal at once; its reviewed texts are kept."""
    require_role(actor, *OFFICE, what="撤回公开案例")
    reason = validate_text(reason, field="reason", label="撤回理由", max_length=REASON_MAX, required=False)
    locked = lock_ticket(ticket.pk)
    case = PublishedCase.objects.select_for_update().filter(ticket=locked).first()
    if case is None or case.state != PublishedCase.State.PUBLISHED:
        raise Conflict("该工单未公开，无需撤回", code="state_conflict")
    case.state = PublishedCase.State.WITHDRAWN
    case.withdrawn_at = timezone.now()
    case.withdrawn_by = actor
    case.withdraw_reason = reason
    case.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record_event(ticket=locked, kind="case_withdrawn", actor=actor, payload={"reason": reason})
    return case
