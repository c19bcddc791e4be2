"""Reads. Every list a person sees starts from `tickets_visible_to`."""
from django.core.cache import cache
from django.db.models import Q, QuerySet

from .models import Citizen, Role, Ticket, TicketEvent, Unit

# What a list row shows (api.representation.ticket_summary): a page of 20 rows then
# reads and parses 15 columns per row, not all 35 with the full texts.
LIST_COLUMNS = (
    "number", "title", "state", "ticket_type", "urgency", "channel", "area", "due_at", "warn_at", "created_at",
    "category__full_name", "lead_unit__name", "citizen__name", "citizen__phone",
)
SUBTREE_CACHE_SECONDS = 60


def for_list(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("category", "lead_unit", "citizen").only(*LIST_COLUMNS)


def unit_subtree_ids(unit: Unit) -> list[int]:
    """The unit and all units below it. Cached for a minute: every unit list asks, and
    the tree changes a few times a year (a moved unit's staff wait at most that minute)."""
    key = f"unit-subtree:{unit.path}"
    ids = cache.get(key)
    if ids is None:
        ids = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        cache.set(key, ids, SUBTREE_CACHE_SECONDS)
    return ids


def tickets_visible_to(user, *, one_statement: bool = False) -> QuerySet[Ticket]:
    """Hotline staff see everything; a leader what is routed to them; a unit its own
    (and its sub-units') tickets; anyone else nothing.

    For lists, the few tickets seen through a side door (a leader's instructions, a unit's
    co-unit, returned or earlier parts) are looked up first and passed as ids: "main
    condition OR EXISTS(…)" made PostgreSQL test every ticket in the city. For one ticket
    (`one_statement`), a subquery keeps the check in one statement, so that a concurrent
    change (say, the unit's own return committing in between) cannot make it vanish."""
    from dispatch.models import SIDE_PART, Assignment, Instruction

    qs = Ticket.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser or user.role in (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
        return qs
    if user.role == Role.LEADER:
        mine, side = Q(leader=user), Instruction.objects.filter(leader=user).values("ticket_id")
    elif user.role == Role.UNIT_STAFF and user.unit_id:
        units = unit_subtree_ids(user.unit)
        mine = Q(lead_unit_id__in=units)
        side = Assignment.objects.filter(SIDE_PART, unit_id__in=units).values("ticket_id")
    else:
        return qs.none()
    if one_statement:
        return qs.filter(mine | Q(pk__in=side))
    side_ids = list(side.values_list("ticket_id", flat=True).distinct())
    return qs.filter(mine | Q(pk__in=side_ids)) if side_ids else qs.filter(mine)


def ticket_visible_to(user, ticket: Ticket) -> bool:
    return tickets_visible_to(user, one_statement=True).filter(pk=ticket.pk).exists()


MAX_ID = 2**63 - 1  # bigint: a larger id in a URL is simply not there


def ticket_get_for(user, ticket_id) -> Ticket:
    from .errors import NotFound

    try:
        pk = int(ticket_id)
        if not 0 < pk <= MAX_ID:
            raise ValueError(pk)
        return tickets_visible_to(user, one_statement=True).select_related(
            "category", "citizen", "lead_unit", "leader"
        ).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound("工单不存在") from None


def ticket_by_number(number: str) -> Ticket | None:
    return Ticket.objects.filter(number=number.strip()).first()


def ticket_timeline(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("id")


def citizen_history(phone: str, limit: int = 20) -> list[Ticket]:
    citizen = Citizen.objects.filter(phone=phone).first()
    if citizen is None:
        return []
    return list(for_list(citizen.tickets.all()).order_by("-created_at")[:limit])
