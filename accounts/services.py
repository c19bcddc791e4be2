"""Writes and reads of authentication: unlocking, changing a password and its age, API tokens."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from audit.models import AuditAction
from audit.services import audit_record
from hotline.models import Role, User

from . import lockout
from .models import PasswordRecord, Scope

TOKEN_EPOCH_KEY = "accounts:token-epoch"


# --- locks -----------------------------------------------------------------------------------

def account_unlock(*, user: User, actor: User) -> int:
    """解锁 an account: every active lock of it ends now. Returns how many there were."""
    locks = list(lockout.active_locks().filter(scope=Scope.ACCOUNT, key=user.username.lower()))
    for lock in locks:
        lockout.lock_release(lock=lock, actor=actor)
    lockout.counters().clear(Scope.ACCOUNT, user.username.lower())
    return len(locks)


# --- passwords -------------------------------------------------------------------------------

def password_set_at(user: User) -> datetime | None:
    """When the current password was set: its record (set_password, a change), else when the
    account was made (create_user and seed_demo write the hash directly: the demo's password
    counts as set at seeding time)."""
    return PasswordRecord.objects.filter(user=user).order_by("-set_at", "-pk") \
        .values_list("set_at", flat=True).first() or user.date_joined


def password_expires_at(user: User) -> datetime | None:
    """None: never (PASSWORD_MAX_AGE_DAYS = 0)."""
    if settings.PASSWORD_MAX_AGE_DAYS <= 0:
        return None
    set_at = password_set_at(user)
    return set_at + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS) if set_at else None


def password_expired(user: User) -> bool:
    expires = password_expires_at(user)
    return expires is not None and expires <= timezone.now()


@transaction.atomic
def password_change(*, user: User, new_password: str, request=None) -> User:
    """Checks the policy (ValidationError with every reason), sets it, records it (history,
    age: the validators' password_changed hook on save) and the audit row."""
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save()
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user, request=request, target=user)
    return user


# --- API tokens ------------------------------------------------------------------------------

def token_lifetime(user: User) -> timedelta:
    hours = settings.DEVICE_TOKEN_HOURS if user.role == Role.DISPLAY else settings.API_TOKEN_HOURS
    return timedelta(hours=hours)


def token_expires_at(token: Token, user: User | None = None) -> datetime:
    return token.created + token_lifetime(user or token.user)


@transaction.atomic
def token_issue(*, user: User, request=None) -> Token:
    """The user's token: the current one while it lasts, a new one (audited) once it expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expires_at(token) > timezone.now():
        return token
    if token is not None:
        token.delete()
    token = Token.objects.create(user=user)
    audit_record(action=AuditAction.TOKEN_ISSUED, actor=user, request=request, target=user,
                 detail={"expires_at": token_expires_at(token).isoformat()})
    return token


def _tell_processes() -> None:
    """Other server processes forget the tokens they remember (accounts.authentication) within
    EPOCH_CHECK_SECONDS: a new epoch in the shared cache."""
    try:
        cache.incr(TOKEN_EPOCH_KEY)
    except ValueError:
        cache.set(TOKEN_EPOCH_KEY, 1, None)


@transaction.atomic
def token_revoke(*, user: User, actor: User | None, request=None) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(action=AuditAction.TOKEN_REVOKED, actor=actor, request=request, target=user,
                     actor_label="" if actor else "manage.py")
        transaction.on_commit(_tell_processes, robust=True)
    return bool(deleted)


@transaction.atomic
def token_revoke_all(*, actor: User | None, request=None) -> int:
    deleted, _ = Token.objects.all().delete()
    audit_record(action=AuditAction.TOKEN_REVOKED, actor=actor, request=request, target_type="token",
                 target_label="全部接口令牌", actor_label="" if actor else "manage.py", detail={"count": deleted})
    transaction.on_commit(_tell_processes, robust=True)
    return deleted


# --- the token endpoint ----------------------------------------------------------------------

class LoginRefused(Exception):
    """Why the token endpoint refuses: code, Chinese message, HTTP status, details."""

    def __init__(self, code: str, message: str, status: int, details: dict | None = None,
                 retry_after: int | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.details, self.retry_after = \
            code, message, status, details or {}, retry_after


def token_login(*, request, username: str, password: str, otp: str = "") -> Token:
    """POST /api/auth/token/: the password (through authenticate(): the lockout, the failure
    signal), then the TOTP code when the user has one, then the password's age."""
    from django.contrib.auth import authenticate
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    from . import totp

    user = authenticate(request=request, username=username, password=password)
    refusal = lockout.refusal_of(request)
    if refusal is not None:
        # 429 for a lock and the back-off alike: "not now, retry at" (Retry-After), not "never".
        raise LoginRefused(refusal.code, refusal.message, 429, retry_after=refusal.seconds,
                           details={"retry_at": refusal.until.isoformat(), "scope": refusal.scope})
    if user is None or not user.is_active:
        raise LoginRefused("authentication_failed", "用户名或密码错误", 401)
    if totp.needs_second_factor(user):
        device = totp.confirmed_device(user)
        if device is None:
            raise LoginRefused("otp_enrolment_required", "您的账号须启用动态验证码：请先在网页上登录并完成设置", 403)
        if not otp:
            raise LoginRefused("otp_required", "请填写动态验证码（otp）", 401)
        if not totp.totp_verify(user=user, code=otp, device=device):
            caused = lockout.login_failed(request=request, username=username)
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            if caused is not None:
                raise LoginRefused(caused.code, caused.message, 429, retry_after=caused.seconds,
                                   details={"retry_at": caused.until.isoformat(), "scope": caused.scope})
            raise LoginRefused("otp_invalid", "动态验证码不正确", 401)
        lockout.login_succeeded(username=username)
    if user.role != Role.DISPLAY and password_expired(user):
        raise LoginRefused("password_expired", "密码已过期，请先在网页上修改密码", 403)
    # A token is a sign-in: the same signal as the pages (the audit trail and last_login hear it).
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token_issue(user=user, request=request)


def token_current(token: Token | None) -> bool:
    """For readers of tokens outside DRF (the display's pairing, feed and websocket): a token
    that exists, of an active user, not past its expiry."""
    return token is not None and token.user.is_active and token_expires_at(token) > timezone.now()
