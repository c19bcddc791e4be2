"""Who may do what. Services call these before they change anything."""
from .errors import NotAllowed
from .models import Role

HOTLINE_STAFF = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
OFFICE = (Role.SUPERVISOR, Role.ADMIN)
ALL_STAFF = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.LEADER, Role.UNIT_STAFF)


def require_role(actor, *roles: str, what: str = "执行此操作") -> None:
    if actor is None or not actor.is_authenticated or not actor.has_role(*roles):
        raise NotAllowed(f"您的角色无权{what}")
