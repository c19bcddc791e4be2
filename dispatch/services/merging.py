"""并单 and 无效: a ticket leaves the hotline's work without a unit's answer. Both end the
units' parts (release_units) in the same transaction, which is why they live with dispatch."""
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput
from hotline.models import Ticket
from hotline.models.tickets import OPEN_STATES
from hotline.permissions import HOTLINE_STAFF, require_role
from hotline.validation import validate_text
from hotline.workflow import record_event, transition

from .parts import co_parts_close, release_units


@transaction.atomic
def ticket_merge(*, ticket: Ticket, into: Ticket, actor, reason: str = "") -> Ticket:
    """Fold a duplicate into the ticket that carries on (并单)."""
    require_role(actor, *HOTLINE_STAFF, what="并单")
    if ticket.pk == into.pk:
        raise InvalidInput("不能把工单并入它自己", field="into")
    reason = validate_text(reason, field="reason", label="并单说明", max_length=500, required=False)
    # Both rows, in id order: A→B and B→A at the same moment queue instead of deadlocking.
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[ticket.pk, into.pk]).order_by("pk")}
    target = locked[into.pk]
    if target.state not in OPEN_STATES:
        raise Conflict(f"目标工单 {target.number} 已结束，不能并入", code="state_conflict")
    merged = transition(
        ticket=ticket, action="merge", actor=actor,
        payload={"into": target.number, "into_id": target.pk, "reason": reason},
        changes={"merged_into": target, "lead_unit": None, "closed_at": timezone.now()},
    )
    co_parts_close(ticket=merged, actor=actor, why="工单已并单，协办单位未答复的部分随之结束")
    release_units(merged, note="工单已并单")
    record_event(ticket=target, kind="merged_in", actor=actor,
                 payload={"from": merged.number, "from_id": merged.pk, "reason": reason})
    return merged


@transaction.atomic
def ticket_mark_invalid(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """Malicious, prank or empty requests (恶意/无效) end here, with a reason."""
    require_role(actor, *HOTLINE_STAFF, what="标记无效工单")
    reason = validate_text(reason, field="reason", label="无效原因", max_length=500)
    invalid = transition(
        ticket=ticket, action="mark_invalid", actor=actor, payload={"reason": reason},
        changes={"lead_unit": None, "closed_at": timezone.now()},
    )
    co_parts_close(ticket=invalid, actor=actor, why="工单已标记为无效，协办单位未答复的部分随之结束")
    release_units(invalid, note="工单已标记为无效")
    return invalid
