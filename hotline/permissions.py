"""Who may do what. Services call these before they change anything."""
from .errors import NotAllowed
from .models import Role

HOTLINE_STAFF = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
OFFICE = (Role.SUPERVISOR, Role.ADMIN)
ALL_STAFF = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.LEADER, Role.UNIT_STAFF)
# Who may watch the public display board (/display/ and its /ws/display/ socket): the device, and
# the city-wide staff who check the wall from their desks.
CITY_WIDE = (Role.SUPERVISOR, Role.ADMIN, Role.LEADER, Role.OPERATOR)
DISPLAY_WATCHERS = (Role.DISPLAY, *CITY_WIDE)
# 三员分立 (docs/SECURITY-duties.md): accounts and settings; roles; the audit log. None of them is in
# any list above: they never read a ticket or a citizen.
SYSTEM_ADMINS = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)
# Who enters the Django admin site (besides the bootstrap superuser); each page there is by role
# too (hotline.admin_access): configuration and accounts for the system administrator, role
# assignment for the security administrator, the centre's business records for 中心管理员.
ADMIN_SITE_ROLES = (Role.SYSADMIN, Role.SECADMIN, Role.ADMIN)


def may_watch_display(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and user.role in DISPLAY_WATCHERS)


def require_role(actor, *roles: str, what: str = "执行此操作") -> None:
    if actor is None or not actor.is_authenticated or not actor.has_role(*roles):
        raise NotAllowed(f"您的角色无权{what}")
