"""改派 (issue 16, item 2): the centre takes a ticket from the unit that holds it and gives it to
another, with a reason. The old unit's unfinished parts end as 已改派 (no longer current: it keeps
a read-only view of the ticket and its timeline, and its actions answer 409); a pending return or
extension request ends with a note; the new unit gets a fresh deadline per policy from now, as a
dispatch gives (handling.hand_to_units, shared with ticket_dispatch)."""
from django.db import transaction
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput
from hotline.models import Ticket, TicketState, Unit
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import TRANSITIONS, lock_ticket

from ..models import Assignment
from .handling import checked_units, hand_to_units
from .parts import withdraw_extensions, withdraw_returns


@transaction.atomic
def ticket_reassign(*, ticket: Ticket, actor, lead_unit: Unit, co_units=(), reason: str) -> Ticket:
    """改派: to `lead_unit` (and `co_units`), for a ticket a unit holds (待签收 or 办理中)."""
    require_role(actor, *OFFICE, what="改派")
    reason = validate_text(reason, field="reason", label="改派理由", max_length=1000)
    co_units = checked_units(lead_unit, co_units)
    locked = lock_ticket(ticket.pk)
    if locked.state not in TRANSITIONS["reassign"].sources:
        raise Conflict(f"工单当前状态为「{TicketState(locked.state).label}」，只有承办单位待签收或办理中的工单可以改派",
                       code="state_conflict")
    if lead_unit.pk == locked.lead_unit_id:
        raise InvalidInput("改派须选择另一个主办单位", field="lead_unit")
    old_lead = locked.lead_unit
    Assignment.objects.filter(
        ticket=locked, is_current=True, state__in=[Assignment.State.PENDING, Assignment.State.SIGNED],
    ).update(state=Assignment.State.REASSIGNED, ended_at=timezone.now())
    withdraw_extensions(locked, note="工单已改派，延期申请自动撤销")
    withdraw_returns(locked, note="工单已改派，退单申请自动撤销")
    return hand_to_units(
        ticket=locked, actor=actor, action="reassign", lead_unit=lead_unit, co_units=co_units,
        payload={"from_unit": old_lead.name if old_lead else "", "from_unit_id": locked.lead_unit_id,
                 "reason": reason},
    )
