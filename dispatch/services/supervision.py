"""Urging (催办) and supervising (督办) a unit about a running deadline."""
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, RecentlyUrged
from hotline.models import Ticket, TicketEvent
from hotline.models.tickets import HANDLING_STATES
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event

from ..deadlines import iso_local, ticket_light


def _refuse_a_repeat_urge(ticket: Ticket) -> None:
    """A person's second 催办 within settings.HOTLINE_URGE_REPEAT_MINUTES must be meant (repeat=True):
    two supervisors watching the same red list would otherwise send the unit the same SMS twice."""
    minutes = settings.HOTLINE_URGE_REPEAT_MINUTES
    if minutes <= 0:
        return
    now = timezone.now()
    since = now - dt.timedelta(minutes=minutes)
    last = (TicketEvent.objects.filter(ticket_id=ticket.pk, kind="urge", created_at__gte=since)
            .select_related("actor").order_by("-id").first())
    if last is None:
        return
    ago = int((now - last.created_at).total_seconds() // 60)
    when = f" {ago} 分钟前" if ago >= 1 else "刚刚"
    by = str(last.actor) if last.actor_id else (last.actor_label or "系统")
    raise RecentlyUrged(f"该工单{when}已催办（{timezone.localtime(last.created_at):%m-%d %H:%M}，{by}），仍要催办？")


def _notice(*, ticket: Ticket, actor, kind: str, note: str, actor_label: str = "", what: str, repeat: bool = True):
    if actor is not None:
        require_role(actor, *OFFICE, what=what)
    note = validate_text(note, field="note", label="说明", max_length=1000, required=False)
    locked = lock_ticket(ticket.pk)
    if locked.state not in HANDLING_STATES:
        raise Conflict(f"工单不在办理中，无需{what}")
    if not repeat:
        _refuse_a_repeat_urge(locked)
    return record_event(
        ticket=locked, kind=kind, actor=actor, actor_label=actor_label,
        payload={"note": note, "unit": locked.lead_unit.name if locked.lead_unit_id else "",
                 "unit_id": locked.lead_unit_id, "light": ticket_light(locked),
                 "due_at": iso_local(locked.due_at)},
    )


@transaction.atomic
def ticket_urge(*, ticket: Ticket, actor=None, note: str = "", actor_label: str = "", repeat: bool = False):
    """催办: a reminder to the lead unit (by a supervisor, or by the sweep on yellow).

    A supervisor's 催办 within HOTLINE_URGE_REPEAT_MINUTES of the last one is refused with a
    RecentlyUrged (409, code "recently_urged") unless `repeat` says it is meant; the sweep never asks."""
    return _notice(ticket=ticket, actor=actor, kind="urge", note=note, actor_label=actor_label, what="催办",
                   repeat=repeat or actor is None)


@transaction.atomic
def ticket_supervise(*, ticket: Ticket, actor=None, note: str = "", actor_label: str = ""):
    """督办: a supervision notice to the unit head (by a supervisor, or by the sweep on red)."""
    return _notice(ticket=ticket, actor=actor, kind="supervise", note=note, actor_label=actor_label, what="督办")
