"""What each audience may see of a ticket event.

Staff payloads carry what the person could read on the ticket page anyway;
the display payload is public: no names, no phone numbers, no exact
addresses, only labels and a masked summary. `staff_groups_for` is
`dispatch.visibility.ticket_audience` (the per-ticket side of `tickets_visible_to`)
as channel-layer groups: a group receives an event exactly when its members may
see the ticket.
"""
from django.utils import timezone

from dispatch.deadlines import ticket_light
from dispatch.visibility import ticket_audience
from hotline.event_kinds import event_label
from hotline.models import Channel, Light, Role, Ticket, TicketEvent, TicketState, TicketType
from hotline.models.tickets import public_state_label
from hotline.privacy import is_confidential, scrub_text, ticket_as_seen_as

from . import groups

# Lines about messages to one person: nothing for the public board.
# 办结审核: a reply awaiting review and a send-back are the centre's internal steps (the public
# reads the reply once approved).
NOT_FOR_DISPLAY = frozenset({"sms_sent", "reply_for_review", "review_send_back"})
def kind_label(kind: str) -> str:
    return event_label(kind)


def light_label(light: str | None) -> str:
    return str(Light(light).label) if light else ""


def staff_payload(event: TicketEvent, ticket: Ticket, now=None, *, lens=None) -> dict:
    """`lens`: the audience's hotline.privacy lens (issue 16 item 8); the centre's when None."""
    lens = lens or ticket_as_seen_as(ticket=ticket, role=Role.SUPERVISOR)
    light = ticket_light(ticket, now or timezone.now())
    return {
        "id": event.pk,
        "ticket_id": ticket.pk,
        "number": ticket.number,
        "kind": event.kind,
        "kind_label": kind_label(event.kind),
        "state": ticket.state,
        "state_label": str(TicketState(ticket.state).label),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "light": light,
        "light_label": light_label(light),
        "title": lens.title,
        "ticket_type": ticket.ticket_type,
        "urgency": ticket.urgency,
        "lead_unit_id": ticket.lead_unit_id,
        "leader_id": ticket.leader_id,
        "actor": event.actor_label,
        "created_at": event.created_at.isoformat(),
        "data": lens.payload(event.payload, kind=event.kind),
    }


def display_payload(event: TicketEvent, ticket: Ticket, now=None) -> dict:
    light = ticket_light(ticket, now or timezone.now())
    category = ticket.category.full_name.split("/")[0] if ticket.category_id else ""
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": kind_label(event.kind),
        "number": ticket.number,
        "state": ticket.state,
        "state_label": public_state_label(ticket.state),  # 待审核 reads 办理中 in public
        "light": light,
        "light_label": light_label(light),
        "ticket_type_label": str(TicketType(ticket.ticket_type).label),
        "channel_label": str(Channel(ticket.channel).label),
        "category": category,
        "area": scrub_text(ticket.area, max_length=12),
        # A confidential ticket's title without its citizen at all (not even 王某: issue 16 item 8).
        "summary": scrub_text(ticket_as_seen_as(ticket=ticket, role="").title if is_confidential(ticket)
                              else ticket.title, max_length=40,
                              names=(ticket.citizen.name,) if ticket.citizen_id else (),
                              secrets=(ticket.citizen.phone if ticket.citizen_id else "", ticket.address)),
        "created_at": event.created_at.isoformat(),
    }


def staff_groups_for(ticket: Ticket) -> set[str]:
    """Every staff group whose members may see `ticket`: dispatch.visibility.ticket_audience as groups."""
    return set().union(*staff_groups_by_role(ticket).values())


def staff_groups_by_role(ticket: Ticket) -> dict[str, set[str]]:
    """staff_groups_for by the role its members see the ticket as (issue 16 item 8: a payload is
    made for each through hotline.privacy): the office's role groups, leaders, units."""
    audience = ticket_audience(ticket)
    by_role = {Role.SUPERVISOR: {groups.role_group(role) for role in audience.roles},
               Role.LEADER: {groups.user_group(pk) for pk in audience.leader_ids},
               Role.UNIT_STAFF: {groups.unit_group(pk) for pk in audience.unit_ids}}
    return {role: names for role, names in by_role.items() if names}
