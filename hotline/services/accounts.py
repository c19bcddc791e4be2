"""Accounts and roles, kept apart (三员分立, docs/SECURITY-duties.md).

The system administrator creates accounts, edits their names and contacts, deactivates them
and resets passwords, but gives no role: a new account is 未分配角色 until the security
administrator assigns one (role, unit; the superuser flag only taken away). Neither works on
the three administrators' own accounts or on their own: those the bootstrap superuser (made
by `createsuperuser`) looks after. Every change writes its audit row in the same transaction:
ACCOUNT_CHANGED (created, changed, deactivated, activated, password reset) and ROLE_CHANGED,
each with the changed fields before and after."""
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.changes import change_detail, field_values
from audit.models import AuditAction
from audit.services import audit_record

from ..errors import InvalidInput, NotAllowed
from ..models import Role, User
from ..permissions import ADMIN_SITE_ROLES, SYSTEM_ADMINS

ACCOUNT_FIELDS = ("username", "display_name", "first_name", "last_name", "email", "phone", "extension",
                  "is_active")
ROLE_FIELDS = ("role", "unit", "is_superuser", "is_staff")


def may_manage_account(actor, user: User | None = None) -> bool:
    """The system administrator, for anyone but an administrator, a superuser or themself."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if not actor.has_role(Role.SYSADMIN):
        return False
    return user is None or not (user.pk == actor.pk or user.is_superuser or user.role in SYSTEM_ADMINS)


def may_assign_roles(actor, user: User | None = None) -> bool:
    """The security administrator, for anyone but themself (nobody raises their own rights)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(Role.SECADMIN) and (user is None or user.pk != actor.pk)


def _values(user: User, names: tuple[str, ...]) -> dict:
    values = field_values(user)
    values["role"] = user.role
    return {name: values.get(name) for name in names}


@transaction.atomic
def account_save(*, actor, user: User, request=None) -> User:
    """Save a new account or changes to one (the admin's forms build `user`; this decides whether
    the actor may make each change, and records it)."""
    stored = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk else None
    if stored is None:
        if not may_manage_account(actor):
            raise NotAllowed("您的角色无权创建账号")
        if not actor.is_superuser:  # the system administrator gives no role: 未分配 until assigned
            user.role, user.unit, user.is_superuser = Role.UNASSIGNED, None, False
    user.is_staff = user.is_superuser or user.role in ADMIN_SITE_ROLES  # kept true to the site's rule
    account_before = _values(stored, ACCOUNT_FIELDS) if stored else {}
    role_before = _values(stored, ROLE_FIELDS) if stored else {}
    account_after, role_after = _values(user, ACCOUNT_FIELDS), _values(user, ROLE_FIELDS)
    account = change_detail(op="created" if stored is None else _account_op(account_before, account_after),
                            before=account_before, after=account_after)
    roles = change_detail(op="assigned", before=role_before, after=role_after)
    if stored is not None and (account["before"] or account["after"]) and not may_manage_account(actor, stored):
        raise NotAllowed("您的角色无权修改该账号")
    if stored is not None and (roles["before"] or roles["after"]) and not may_assign_roles(actor, stored):
        raise NotAllowed("您的角色无权分配角色和单位")
    if user.is_superuser and not (stored is not None and stored.is_superuser) and not actor.is_superuser:
        raise NotAllowed("超级用户只能用 createsuperuser 创建，用于初始化三员账号")
    try:
        user.clean()
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None
    user.save()
    if stored is None or account["before"] or account["after"]:
        audit_record(action=AuditAction.ACCOUNT_CHANGED, actor=actor, request=request, target=user, detail=account)
    role_changed = bool(roles["before"] or roles["after"]) if stored is not None else user.role != Role.UNASSIGNED
    if role_changed:
        audit_record(action=AuditAction.ROLE_CHANGED, actor=actor, request=request, target=user, detail=roles)
    return user


def _account_op(before: dict, after: dict) -> str:
    if before.get("is_active") and not after.get("is_active"):
        return "deactivated"
    if not before.get("is_active") and after.get("is_active"):
        return "activated"
    return "changed"


@transaction.atomic
def account_password_reset(*, actor, user: User, password: str | None, request=None) -> User:
    """An administrator sets someone's password (None: password sign-in disabled)."""
    if not may_manage_account(actor, user):
        raise NotAllowed("您的角色无权重置该账号的密码")
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action=AuditAction.ACCOUNT_CHANGED, actor=actor, request=request, target=user,
                 detail={"op": "password_reset" if password is not None else "password_disabled"})
    return user
