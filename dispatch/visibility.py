"""Who may see which ticket: the one visibility rule, as a query for a person's lists
(`tickets_visible_to`) and as the audience of one ticket (`ticket_audience`, which push
addresses). It lives with routing because routing decides it: a unit sees what it leads or
had a part in (assignments), a leader what was reported to them or they instructed on.
tests/hotline/test_audience.py checks the two forms agree for every role and ticket state."""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hotline.errors import NotFound
from hotline.models import Role, Ticket, TicketState, Unit
from hotline.selectors import unit_subtree_ids
from hotline.validation import MAX_ID

from .models import SIDE_PART, Assignment, Instruction

# Roles that see every ticket (tickets_visible_to's first rule).
OFFICE_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)


# Outside filers: they follow the tickets they filed, and nothing else.
FILER_ROLES = frozenset({Role.PARTNER, Role.AGENT})


def tickets_visible_to(user, *, one_statement: bool = False) -> QuerySet[Ticket]:
    """Hotline staff see everything; a leader what is routed to them; a unit its own
    (and its sub-units') tickets; anyone else nothing.

    For lists, the few tickets seen through a side door (a leader's instructions, a unit's
    co-unit, returned or earlier parts) are looked up first and passed as ids: "main
    condition OR EXISTS(…)" made PostgreSQL test every ticket in the city. For one ticket
    (`one_statement`), a subquery keeps the check in one statement, so that a concurrent
    change (say, the unit's own return committing in between) cannot make it vanish."""
    qs = Ticket.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in OFFICE_ROLES:
        return qs
    if user.role == Role.LEADER:
        mine, side = Q(leader=user), Instruction.objects.filter(leader=user).values("ticket_id")
    elif user.role == Role.UNIT_STAFF and user.unit_id:
        units = unit_subtree_ids(user.unit)
        mine = Q(lead_unit_id__in=units)
        side = Assignment.objects.filter(SIDE_PART, unit_id__in=units).values("ticket_id")
    elif user.role in FILER_ROLES:
        # issue 19: a partner system (its key's account) and a village agent see only what they filed.
        return qs.filter(created_by=user)
    else:
        return qs.none()
    if one_statement:
        return qs.filter(mine | Q(pk__in=side))
    side_ids = list(side.values_list("ticket_id", flat=True).distinct())
    return qs.filter(mine | Q(pk__seen_through=side_ids)) if side_ids else qs.filter(mine)


@dataclass(frozen=True)
class TicketAudience:
    """Who may see one ticket: tickets_visible_to's rule read from the ticket's side (push
    uses it to address an event). Every staff member of an office role; the leaders it was
    routed to or who instructed on it; the units that lead it or had any part in it, and
    every unit above them."""

    roles: frozenset[str]
    leader_ids: frozenset[int]
    unit_ids: frozenset[int]


def ticket_audience(ticket: Ticket) -> TicketAudience:
    office = frozenset(OFFICE_ROLES)
    if ticket.state == TicketState.REGISTERED:
        # A ticket in 登记 was never dispatched nor instructed, and has no leader: the one
        # transition back into it (领导退回, hotline.workflow.TRANSITIONS) comes from a report
        # made from 登记 and clears the leader. The most frequent event, registration, then
        # costs no query.
        return TicketAudience(office, frozenset(), frozenset())
    leaders = set(Instruction.objects.filter(ticket=ticket).values_list("leader_id", flat=True))
    if ticket.leader_id:
        leaders.add(ticket.leader_id)
    units = set(Assignment.objects.filter(SIDE_PART, ticket=ticket).values_list("unit_id", flat=True))
    if ticket.lead_unit_id:
        units.add(ticket.lead_unit_id)
    return TicketAudience(office, frozenset(leaders), frozenset(unit_and_ancestor_ids(units)))


def unit_and_ancestor_ids(unit_ids: set[int]) -> set[int]:
    """The units and all their ancestors: staff of a parent unit see their sub-units' tickets."""
    result: set[int] = set(unit_ids)
    for path in Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True):
        result.update(int(part) for part in path.strip("/").split("/") if part)
    return result


def ticket_visible_to(user, ticket: Ticket) -> bool:
    return tickets_visible_to(user, one_statement=True).filter(pk=ticket.pk).exists()


def ticket_get_for(user, ticket_id) -> Ticket:
    try:
        pk = int(ticket_id)
        if not 0 < pk <= MAX_ID:
            raise ValueError(pk)
        return tickets_visible_to(user, one_statement=True).select_related(
            "category", "citizen", "lead_unit", "leader"
        ).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound("工单不存在") from None
