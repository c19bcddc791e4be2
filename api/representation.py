"""Tickets as JSON, written out by hand.

DRF builds a ModelSerializer's fields anew for every response (field classes, lazy
labels, deep copies): for a ticket detail with five nested lists that is most of a
request's CPU. The serializers in serializers.py still declare every field (they are
the OpenAPI schema); their `to_representation` calls these functions, and a test keeps
the two in step (tests/hotline/test_representation.py).
"""
import datetime as dt
from functools import cache

from django.utils import timezone
from django.utils.translation import get_language

from dispatch.deadlines import part_light, ticket_light
from dispatch.models import Suspension
from dispatch.selectors import ticket_actions_for
from hotline.models import TicketState, TicketType
from hotline.privacy import ticket_as_seen_by


def when(moment: dt.datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the current time zone."""
    if moment is None:
        return None
    text = timezone.localtime(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@cache
def _labels(choices, language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def label(choices, value: str) -> str:
    return _labels(choices, get_language() or "")[value]


def ticket_summary(ticket, *, user, now, lens=None) -> dict:
    """`lens`: the viewer's hotline.privacy lens (issue 16 item 8), made here when not given."""
    lens = lens or ticket_as_seen_by(ticket=ticket, user=user)
    category, unit = ticket.category, ticket.lead_unit
    return {
        "id": ticket.pk, "number": ticket.number, "title": lens.title,
        "state": ticket.state, "state_label": label(TicketState, ticket.state),
        "ticket_type": ticket.ticket_type, "ticket_type_label": label(TicketType, ticket.ticket_type),
        "urgency": ticket.urgency, "channel": ticket.channel,
        "category": ticket.category_id, "category_name": category.full_name if category else None,
        "lead_unit": ticket.lead_unit_id, "lead_unit_name": unit.name if unit else None,
        "area": ticket.area, "due_at": when(ticket.due_at), "light": ticket_light(ticket, now),
        "created_at": when(ticket.created_at), "citizen": lens.citizen, "is_confidential": lens.confidential,
    }


def user_brief(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "username": person.username, "name": str(person), "role": person.role}


def assignment(a, now=None) -> dict:
    return {"id": a.pk, "unit": a.unit_id, "unit_name": a.unit.name, "role": a.role, "state": a.state,
            "round": a.round, "is_current": a.is_current, "assigned_at": when(a.assigned_at),
            "signed_at": when(a.signed_at), "replied_at": when(a.replied_at),
            "parent": a.parent_id, "due_at": when(a.due_at), "warn_at": when(a.warn_at),
            "light": part_light(a, now or timezone.now()), "note": a.note, "accepted_at": when(a.accepted_at),
            "review_note": a.review_note}


def instruction(i, lens) -> dict:
    return {"id": i.pk, "leader": user_brief(i.leader), "text": lens.text(i.text),
            "units": [u.pk for u in i.units.all()], "created_at": when(i.created_at)}


def attachment_numbers(ticket) -> dict[int, int]:
    """Each attachment of the ticket's (prefetched) replies numbered 1, 2 … in the order the pages
    and the download count them (hotline.privacy.TicketLens.name_attachments)."""
    replies = ticket.replies.all() if hasattr(ticket, "replies") else []
    pks = sorted(a.pk for r in replies for a in r.attachments.all())
    return {pk: number for number, pk in enumerate(pks, start=1)}


def attachments(r, lens, numbers: dict[int, int]) -> list[dict]:
    if not lens.hidden:
        return [{"id": a.pk, "name": a.name, "size": a.size, "url": a.file.url} for a in r.attachments.all()]
    # The stored file's URL carries its original name: a confidential ticket's go through the download.
    return [{"id": a.pk, "name": lens.attachment_name(a.name, numbers.get(a.pk, 0)), "size": a.size,
             "url": f"/attachments/{a.pk}/"} for a in r.attachments.all()]


def reply(r, lens, numbers: dict[int, int]) -> dict:
    return {"id": r.pk, "unit": r.unit_id, "unit_name": r.unit.name, "text": lens.text(r.text, by_unit=True),
            "is_lead": r.is_lead, "created_at": when(r.created_at), "attachments": attachments(r, lens, numbers),
            "review_state": r.review_state, "review_note": lens.text(r.review_note), "reviewed_at": when(r.reviewed_at)}


def survey(s, lens) -> dict:
    return {"id": s.pk, "method": s.method, "state": s.state, "result": s.result, "resolved": s.resolved,
            "comment": lens.text(s.comment), "created_at": when(s.created_at), "due_at": when(s.due_at),
            "answered_at": when(s.answered_at)}


def extension(e, lens) -> dict:
    return {"id": e.pk, "ticket": e.ticket_id, "ticket_number": e.ticket.number,
            "reason": lens.text(e.reason, by_unit=True),
            "extra_days": e.extra_days, "state": e.state, "old_due_at": when(e.old_due_at),
            "new_due_at": when(e.new_due_at), "decision_note": lens.text(e.decision_note),
            "created_at": when(e.created_at),
            "decided_at": when(e.decided_at)}


def suspension(x) -> dict:
    return {"id": x.pk, "ticket": x.ticket_id, "ticket_number": x.ticket.number, "unit": x.unit_id,
            "unit_name": x.unit.name if x.unit_id else None, "reason_kind": x.reason_kind,
            "reason_label": label(Suspension.Reason, x.reason_kind), "reason": x.reason,
            "expected_days": x.expected_days, "state": x.state, "state_label": label(Suspension.State, x.state),
            "created_at": when(x.created_at), "decided_at": when(x.decided_at), "decision_note": x.decision_note,
            "suspended_at": when(x.suspended_at), "resume_by": when(x.resume_by), "resumed_at": when(x.resumed_at),
            "resumed_how": x.resumed_how, "paused_seconds": x.paused_seconds, "old_due_at": when(x.old_due_at),
            "new_due_at": when(x.new_due_at)}
def ticket_return(r) -> dict:
    return {"id": r.pk, "unit": r.unit_id, "unit_name": r.unit.name, "state": r.state,
            "state_label": r.get_state_display(), "reason_code": r.reason_code,
            "reason_label": r.get_reason_code_display(), "reason": r.reason, "created_at": when(r.created_at),
            "review_due_at": when(r.review_due_at), "decided_at": when(r.decided_at),
            "decision_note": r.decision_note}


def ticket_detail(ticket, *, user, now, lens=None) -> dict:
    lens = lens or ticket_as_seen_by(ticket=ticket, user=user)
    numbers = attachment_numbers(ticket) if lens.hidden else {}
    return ticket_summary(ticket, user=user, now=now, lens=lens) | {
        "content": lens.content, "address": lens.address, "leader": user_brief(ticket.leader),
        "dispatched_at": when(ticket.dispatched_at), "sign_due_at": when(ticket.sign_due_at),
        "warn_at": when(ticket.warn_at), "signed_at": when(ticket.signed_at), "replied_at": when(ticket.replied_at),
        "callback_due_at": when(ticket.callback_due_at), "closed_at": when(ticket.closed_at),
        "closed_on_time": ticket.closed_on_time, "closed_by_hotline": ticket.closed_by_hotline,
        "direct_answer": lens.text(ticket.direct_answer),
        "merged_into_number": ticket.merged_into.number if ticket.merged_into_id else None,
        "reopen_count": ticket.reopen_count, "call_id": ticket.call_id, "version": ticket.version,
        "assignments": [assignment(a, now) for a in ticket.assignments.all()],
        "instructions": [instruction(i, lens) for i in ticket.instructions.all()],
        "replies": [reply(r, lens, numbers) for r in ticket.replies.all()],
        "surveys": [survey(s, lens) for s in ticket.surveys.all()],
        "extension_requests": [extension(e, lens) for e in ticket.extension_requests.all()],
        "suspensions": [suspension(x) for x in ticket.suspensions.all()],
        "returns": [ticket_return(r) for r in ticket.returns.all()],
        "actions": ticket_actions_for(user, ticket),
    }
