"""Issue 16 item 8, complainants protected: the centre marks a ticket 保密件 after registration.

A 举报 is confidential from the start, and the operator may mark any ticket so at registration
(hotline.services.tickets.ticket_register(is_confidential=True)). Marking is one way: once units
were told a ticket is confidential, showing them its caller again would undo the promise, so
there is no unmarking (the admin shows tickets read-only too).
What the flag hides and from whom is hotline.privacy's rule."""
from django.db import transaction

from hotline.errors import Conflict
from hotline.models import Ticket, TicketType
from hotline.permissions import HOTLINE_STAFF, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, record_event, touch


@transaction.atomic
def ticket_mark_confidential(*, ticket: Ticket, actor, note: str = "") -> Ticket:
    """设为保密件 (operator, supervisor, admin; any state, closed tickets too: their history stays
    readable to the units that had them). A `confidential_marked` line on the timeline, which the
    units see (they must know why the caller is gone); 409 `already_confidential` when it is one."""
    require_role(actor, *HOTLINE_STAFF, what="设为保密件")
    note = validate_text(note, field="note", label="说明", max_length=1000, required=False)
    locked = lock_ticket(ticket.pk)
    if locked.ticket_type == TicketType.REPORT:
        raise Conflict("举报件本就按保密件办理，无需再设", code="already_confidential")
    if locked.is_confidential:
        raise Conflict("该工单已是保密件", code="already_confidential")
    locked.is_confidential = True
    touch(locked, "is_confidential")
    record_event(ticket=locked, kind="confidential_marked", actor=actor, payload={"note": note})
    return locked
