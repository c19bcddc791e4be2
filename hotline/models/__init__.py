from .people import Citizen, Role, Unit, User
from .privacy import IdentityRead
from .taxonomy import Category
from .tickets import (
    Channel,
    DailyCounter,
    EventOutbox,
    Light,
    RegistrationKey,
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
    "RegistrationKey",
    "Role",
    "Ticket",
    "TicketEvent",
    "TicketState",
    "TicketType",
    "Unit",
    "Urgency",
    "User",
]
