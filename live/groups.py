"""Channel-layer group names. One place so that consumers and senders agree.

A staff socket joins its user's group, its role's group and (unit staff) its
unit's group; a display socket joins the display group. Senders never address
a socket directly: they decide which groups may see a payload.
"""
import hashlib

DISPLAY = "display"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def unit_group(unit_id: int) -> str:
    return f"unit.{unit_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def display_device_group(user_id: int) -> str:
    return f"display.{user_id}"


def session_group(session_key: str) -> str:
    """A browser session's sockets (hashed: session keys are credentials)."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:32]}"


def groups_for_staff(user) -> list[str]:
    """The groups a staff member's socket joins (mirrors dispatch.visibility.tickets_visible_to)."""
    from hotline.models import Role

    groups = [user_group(user.pk), role_group(user.role)]
    if user.role == Role.UNIT_STAFF and user.unit_id:
        groups.append(unit_group(user.unit_id))
    return groups
