"""Every view of a citizen's unmasked identity is recorded (issue 20 item 3; issue 16 item 8).

`identity_reads_record` is called where a page or an answer shows tickets' citizens: it writes
ONE audit row (audit IDENTITY_VIEWED) for the page, naming in its detail the tickets whose
caller this viewer saw whole (hotline.privacy's sight), and, as issue 16 asked, an IdentityRead
per confidential one read by the centre (one INSERT). A page that shows no caller whole (a
leader's masked view, a unit's confidential ticket) records nothing. The ticket's registration
answer is not a view: the operator just typed the caller in.

`citizen_identity_reveal` is the explicit 「查看完整信息」: the caller's phone and ID number for
one ticket, to whoever may see it whole; refused (None, audit IDENTITY_DENIED; the view answers
403) to anyone else: the three administrators, display devices, leaders, units for a
confidential ticket. The refusal's row is written before the view raises, so it is kept.
"""
from audit.models import AuditAction
from audit.services import audit_record

from ..models import IdentityRead
from ..privacy import ROLES_NEVER_SEE_CITIZENS, Sight, is_centre, is_confidential, sight_of


def _seen_whole(actor, tickets) -> list:
    return [t for t in tickets
            if getattr(t, "citizen_id", None) and sight_of(ticket=t, user=actor) == Sight.WHOLE]


def identity_reads_record(*, actor, tickets, surface: str, request=None) -> int:
    """Record that `actor` saw these tickets' citizens whole on `surface` (IdentityRead.Surface
    or another short name): one audit row for the lot, and an IdentityRead per confidential
    ticket read by the centre. Returns how many tickets' callers were seen whole."""
    if actor is None or not actor.is_authenticated:
        return 0
    seen = _seen_whole(actor, tickets)
    if not seen:
        return 0
    ids = [t.pk for t in seen]
    confidential = [t for t in seen if is_confidential(t)]
    audit_record(
        action=AuditAction.IDENTITY_VIEWED, actor=actor, request=request, target_type="ticket",
        target_id=ids[0] if len(ids) == 1 else "", target_label=getattr(seen[0], "number", "") if len(ids) == 1 else "",
        detail={"surface": str(surface), "tickets": ids, "confidential": [t.pk for t in confidential]},
    )
    if confidential and is_centre(actor) and surface in IdentityRead.Surface.values:
        label = (getattr(actor, "display_name", "") or actor.username)[:150]
        IdentityRead.objects.bulk_create(
            [IdentityRead(ticket_id=t.pk, user=actor, user_label=label, surface=surface) for t in confidential])
    return len(seen)


def caller_identity_record(*, actor, citizen, surface: str, request=None) -> None:
    """A caller shown whole without a ticket (the telephony screen pop, the caller panel)."""
    if citizen is None or actor is None or not actor.is_authenticated:
        return
    audit_record(action=AuditAction.IDENTITY_VIEWED, actor=actor, request=request, target_type="citizen",
                 target_id=citizen.pk, target_label=f"citizen {citizen.pk}", detail={"surface": surface})


def never_sees_citizens(actor) -> bool:
    """The three administrators and display devices: refused before the ticket is even looked up."""
    return actor is None or not actor.is_authenticated or (
        not actor.is_superuser and actor.role in ROLES_NEVER_SEE_CITIZENS)


def identity_denied_record(*, actor, ticket_id, request=None) -> None:
    audit_record(action=AuditAction.IDENTITY_DENIED, actor=actor, request=request, target_type="ticket",
                 target_id=ticket_id, succeeded=False, detail={"surface": "reveal"})


def citizen_identity_reveal(*, actor, ticket, request=None) -> dict | None:
    """The ticket's caller whole ({"name", "phone", "id_number"}) for this actor, recorded; or
    None (recorded too) when the actor may not see them whole."""
    if never_sees_citizens(actor) or sight_of(ticket=ticket, user=actor) != Sight.WHOLE:
        identity_denied_record(actor=actor, ticket_id=ticket.pk, request=request)
        return None
    if getattr(ticket, "citizen_id", None) is None:
        return {"name": "", "phone": "", "id_number": ""}
    citizen = ticket.citizen
    audit_record(action=AuditAction.IDENTITY_VIEWED, actor=actor, request=request, target=ticket,
                 detail={"surface": "reveal", "tickets": [ticket.pk], "id_number": bool(citizen.id_number),
                         "confidential": [ticket.pk] if is_confidential(ticket) else []})
    return {"name": citizen.name, "phone": citizen.phone, "id_number": citizen.id_number}
