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

from dispatch.deadlines import ticket_light
from dispatch.selectors import ticket_actions_for
from hotline.models import TicketState, TicketType
from hotline.privacy import citizen_as_seen_by


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


def citizen(ticket, user) -> dict | None:
    return citizen_as_seen_by(user, ticket.citizen)


def ticket_summary(ticket, *, user, now) -> dict:
    category, unit = ticket.category, ticket.lead_unit
    return {
        "id": ticket.pk, "number": ticket.number, "title": ticket.title,
        "state": ticket.state, "state_label": label(TicketState, ticket.state),
        "ticket_type": ticket.ticket_type, "ticket_type_label": label(TicketType, ticket.ticket_type),
        "urgency": ticket.urgency, "channel": ticket.channel,
        "category": ticket.category_id, "category_name": category.full_name if category else None,
        "lead_unit": ticket.lead_unit_id, "lead_unit_name": unit.name if unit else None,
        "area": ticket.area, "due_at": when(ticket.due_at), "light": ticket_light(ticket, now),
        "created_at": when(ticket.created_at), "citizen": citizen(ticket, user),
    }


def user_brief(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "username": person.username, "name": str(person), "role": person.role}


def assignment(a) -> dict:
    return {"id": a.pk, "unit": a.unit_id, "unit_name": a.unit.name, "role": a.role, "state": a.state,
            "round": a.round, "is_current": a.is_current, "assigned_at": when(a.assigned_at),
            "signed_at": when(a.signed_at), "replied_at": when(a.replied_at)}


def instruction(i) -> dict:
    return {"id": i.pk, "leader": user_brief(i.leader), "text": i.text, "units": [u.pk for u in i.units.all()],
            "created_at": when(i.created_at)}


def reply(r) -> dict:
    return {"id": r.pk, "unit": r.unit_id, "unit_name": r.unit.name, "text": r.text, "is_lead": r.is_lead,
            "created_at": when(r.created_at),
            "attachments": [{"id": a.pk, "name": a.name, "size": a.size, "url": a.file.url}
                            for a in r.attachments.all()],
            "review_state": r.review_state, "review_note": r.review_note, "reviewed_at": when(r.reviewed_at)}


def survey(s) -> dict:
    return {"id": s.pk, "method": s.method, "state": s.state, "result": s.result, "resolved": s.resolved,
            "comment": s.comment, "created_at": when(s.created_at), "due_at": when(s.due_at),
            "answered_at": when(s.answered_at)}


def extension(e) -> dict:
    return {"id": e.pk, "ticket": e.ticket_id, "ticket_number": e.ticket.number, "reason": e.reason,
            "extra_days": e.extra_days, "state": e.state, "old_due_at": when(e.old_due_at),
            "new_due_at": when(e.new_due_at), "decision_note": e.decision_note, "created_at": when(e.created_at),
            "decided_at": when(e.decided_at)}


def ticket_detail(ticket, *, user, now) -> dict:
    return ticket_summary(ticket, user=user, now=now) | {
        "content": ticket.content, "address": ticket.address, "leader": user_brief(ticket.leader),
        "dispatched_at": when(ticket.dispatched_at), "sign_due_at": when(ticket.sign_due_at),
        "warn_at": when(ticket.warn_at), "signed_at": when(ticket.signed_at), "replied_at": when(ticket.replied_at),
        "callback_due_at": when(ticket.callback_due_at), "closed_at": when(ticket.closed_at),
        "closed_on_time": ticket.closed_on_time, "closed_by_hotline": ticket.closed_by_hotline,
        "direct_answer": ticket.direct_answer,
        "merged_into_number": ticket.merged_into.number if ticket.merged_into_id else None,
        "reopen_count": ticket.reopen_count, "call_id": ticket.call_id, "version": ticket.version,
        "assignments": [assignment(a) for a in ticket.assignments.all()],
        "instructions": [instruction(i) for i in ticket.instructions.all()],
        "replies": [reply(r) for r in ticket.replies.all()],
        "surveys": [survey(s) for s in ticket.surveys.all()],
        "extension_requests": [extension(e) for e in ticket.extension_requests.all()],
        "actions": ticket_actions_for(user, ticket),
    }
