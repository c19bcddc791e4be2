from .people import Citizen, Role, Unit, User
from .privacy import IdentityRead
from .taxonomy import Category
from .tickets import (
    Channel,
    DailyCounter,
    EventOutbox,
    Light,
    Ticket,
    TicketEvent,
    TicketState,
    TicketType,
    Urgency,
)

__all__ = [
    "Category",
    "Channel",
    "Citizen",
    "DailyCounter",
    "EventOutbox",
    "IdentityRead",
    "Light",
    "Role",
    "Ticket",
    "TicketEvent",
    "TicketState",
    "TicketType",
    "Unit",
    "Urgency",
    "User",
]
