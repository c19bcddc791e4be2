"""Urging (催办) and supervising (督办) a unit about a running deadline."""
from django.db import transaction

from hotline.errors import Conflict
from hotline.models import Ticket
from hotline.models.tickets import HANDLING_STATES
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event

from ..deadlines import iso_local, ticket_light


def _notice(*, ticket: Ticket, actor, kind: str, note: str, actor_label: str = "", what: str):
    if actor is not None:
        require_role(actor, *OFFICE, what=what)
    note = validate_text(note, field="note", label="说明", max_length=1000, required=False)
    locked = lock_ticket(ticket.pk)
    if locked.state not in HANDLING_STATES:
        raise Conflict(f"工单不在办理中，无需{what}")
    return record_event(
        ticket=locked, kind=kind, actor=actor, actor_label=actor_label,
        payload={"note": note, "unit": locked.lead_unit.name if locked.lead_unit_id else "",
                 "unit_id": locked.lead_unit_id, "light": ticket_light(locked),
                 "due_at": iso_local(locked.due_at)},
    )


@transaction.atomic
def ticket_urge(*, ticket: Ticket, actor=None, note: str = "", actor_label: str = ""):
    """催办: a reminder to the lead unit (by a supervisor, or by the sweep on yellow)."""
    return _notice(ticket=ticket, actor=actor, kind="urge", note=note, actor_label=actor_label, what="催办")


@transaction.atomic
def ticket_supervise(*, ticket: Ticket, actor=None, note: str = "", actor_label: str = ""):
    """督办: a supervision notice to the unit head (by a supervisor, or by the sweep on red)."""
    return _notice(ticket=ticket, actor=actor, kind="supervise", note=note, actor_label=actor_label, what="督办")
