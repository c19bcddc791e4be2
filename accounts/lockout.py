"""Failed logins: back-off, then a lock, per account and per client address, on every login path.

The counters are shared by every server process: in Redis (the Django cache) when REDIS_URL is
set, otherwise in the database (FailureCounter). Locks are always database rows (Lockout): a
login attempt reads them in one query whichever store counts, and the security administrators'
page lists them. After n failures (n ≥ 2) the next attempt waits LOGIN_BACKOFF_SECONDS × 2^(n-2);
at LOGIN_MAX_FAILURES the account or address is locked for LOGIN_LOCK_MINUTES. An attempt refused
by the back-off or a lock is not counted and never checks the password (a locked account is
refused even with the right one).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record, client_ip

from .models import FailureCounter, Lockout, Scope

logger = logging.getLogger(__name__)
REQUEST_ATTR = "_accounts_refusal"


@dataclass(frozen=True)
class Refusal:
    scope: str  # Scope.ACCOUNT or Scope.ADDRESS
    until: datetime
    locked: bool  # False: the back-off between attempts

    @property
    def code(self) -> str:
        return "account_locked" if self.locked else "login_backoff"

    @property
    def seconds(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds() + 0.999))

    @property
    def message(self) -> str:
        if not self.locked:
            return f"登录失败次数较多，请于 {self.seconds} 秒后重试"
        hhmm = timezone.localtime(self.until).strftime("%H:%M")
        if self.scope == Scope.ADDRESS:
            return f"本机登录失败次数过多，已暂停登录，请于 {hhmm} 后重试"
        return f"账号已锁定，请于 {hhmm} 后重试"


def refusal_of(request) -> Refusal | None:
    """Why authenticate() refused this request's attempt, if it was a lock or the back-off."""
    return getattr(request, REQUEST_ATTR, None) if request is not None else None


def _keys(request, username: str | None) -> list[tuple[str, str]]:
    keys = []
    if username:
        keys.append((Scope.ACCOUNT, username.strip().lower()[:150]))
    ip = client_ip(request)
    if ip:
        keys.append((Scope.ADDRESS, ip))
    return keys


def backoff_seconds(failures: int) -> float:
    return 0.0 if failures < 2 else settings.LOGIN_BACKOFF_SECONDS * 2 ** (failures - 2)


def window() -> timedelta:
    """Failures older than this are forgotten (as long as a lock)."""
    return timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


# --- counter stores ------------------------------------------------------------------------

class CacheCounters:
    """Redis (through the Django cache): INCR is atomic across processes; keys expire by themselves."""

    @staticmethod
    def _key(scope: str, key: str) -> str:
        return f"accounts:fail:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"

    def get(self, scope: str, key: str) -> tuple[int, datetime | None]:
        k = self._key(scope, key)
        found = cache.get_many([k, k + ":last"])
        last = found.get(k + ":last")
        return int(found.get(k) or 0), (datetime.fromtimestamp(last, tz=UTC) if last else None)

    def fail(self, scope: str, key: str, now: datetime) -> int:
        k, ttl = self._key(scope, key), int(window().total_seconds())
        cache.add(k, 0, ttl)
        try:
            n = cache.incr(k)
        except ValueError:  # expired between add and incr
            cache.set(k, 1, ttl)
            n = 1
        cache.set(k + ":last", now.timestamp(), ttl)
        return n

    def clear(self, scope: str, key: str) -> None:
        k = self._key(scope, key)
        cache.delete_many([k, k + ":last"])


class DbCounters:
    """The database store (no Redis): one row per account or address, updated in place."""

    def get(self, scope: str, key: str) -> tuple[int, datetime | None]:
        row = FailureCounter.objects.filter(scope=scope, key=key).values_list("failures", "last_failed_at").first()
        if row is None or row[1] < timezone.now() - window():
            return 0, None
        return row

    def fail(self, scope: str, key: str, now: datetime) -> int:
        with transaction.atomic():
            stale = FailureCounter.objects.filter(scope=scope, key=key, last_failed_at__lt=now - window())
            stale.update(failures=0)
            updated = FailureCounter.objects.filter(scope=scope, key=key).update(
                failures=F("failures") + 1, last_failed_at=now)
            if not updated:
                try:
                    with transaction.atomic():
                        FailureCounter.objects.create(scope=scope, key=key, failures=1, last_failed_at=now)
                except IntegrityError:  # another process's first failure at the same moment
                    FailureCounter.objects.filter(scope=scope, key=key).update(
                        failures=F("failures") + 1, last_failed_at=now)
            return FailureCounter.objects.get(scope=scope, key=key).failures

    def clear(self, scope: str, key: str) -> None:
        FailureCounter.objects.filter(scope=scope, key=key).delete()


def counters() -> CacheCounters | DbCounters:
    return CacheCounters() if settings.REDIS_URL else DbCounters()


# --- selectors -----------------------------------------------------------------------------

def active_locks():
    return Lockout.objects.filter(locked_until__gt=timezone.now(), unlocked_at__isnull=True)


def account_locked_until(username: str) -> datetime | None:
    lock = active_locks().filter(scope=Scope.ACCOUNT, key=username.lower()).order_by("-locked_until").first()
    return lock.locked_until if lock else None


def check(*, request, username: str | None) -> Refusal | None:
    """A refusal if this attempt must not even be tried (a lock, or too soon after failures)."""
    keys = _keys(request, username)
    if not keys:
        return None
    match = Q()
    for scope, key in keys:
        match |= Q(scope=scope, key=key)
    lock = active_locks().filter(match).order_by("scope", "-locked_until").first()  # the account's first
    if lock is not None:
        return Refusal(lock.scope, lock.locked_until, locked=True)
    store, now = counters(), timezone.now()
    for scope, key in keys:
        failures, last = store.get(scope, key)
        wait = backoff_seconds(failures)
        if wait and last and last + timedelta(seconds=wait) > now:
            return Refusal(scope, last + timedelta(seconds=wait), locked=False)
    return None


# --- services ------------------------------------------------------------------------------

def login_failed(*, request, username: str | None) -> Refusal | None:
    """Count a failed attempt (wrong password, unknown account, wrong second-factor code); lock
    what reached LOGIN_MAX_FAILURES. Returns the lock it caused, if any."""
    store, now = counters(), timezone.now()
    caused = None
    for scope, key in _keys(request, username):
        failures = store.fail(scope, key, now)
        if failures >= (settings.LOGIN_MAX_FAILURES if scope == Scope.ACCOUNT else settings.LOGIN_ADDRESS_MAX_FAILURES):
            lock = lock_create(scope=scope, key=key, failures=failures, request=request)
            store.clear(scope, key)
            caused = caused or Refusal(scope, lock.locked_until, locked=True)
    return caused


def login_succeeded(*, username: str) -> None:
    """The account's count starts again; the address's does not (one good account must not
    reset an address that is guessing others)."""
    counters().clear(Scope.ACCOUNT, username.strip().lower())


@transaction.atomic
def lock_create(*, scope: str, key: str, failures: int, request=None) -> Lockout:
    from hotline.models import User

    lock = Lockout.objects.create(scope=scope, key=key, failures=failures,
                                  locked_until=timezone.now() + window())
    user = User.objects.filter(username__iexact=key).first() if scope == Scope.ACCOUNT else None
    audit_record(action=AuditAction.ACCOUNT_LOCKED, request=request, actor=None,
                 actor_label=key if scope == Scope.ACCOUNT else "",
                 target=user, target_type="user" if user else "address", target_id=user.pk if user else key,
                 target_label=str(user) if user else key,
                 detail={"scope": scope, "key": key, "failures": failures,
                         "locked_until": lock.locked_until.isoformat()})
    transaction.on_commit(lambda: tell_security_admins(lock=lock, user=user), robust=True)
    return lock


def tell_security_admins(*, lock: Lockout, user=None) -> None:
    """An SMS to each security administrator with a mobile number (after commit)."""
    from hotline.models import Role, User
    from sms_gateway import codec
    from sms_gateway.services import SmsError, sms_send

    hhmm = timezone.localtime(lock.locked_until).strftime("%H:%M")
    what = f"账号 {lock.key}" + (f"（{user}）" if user and str(user) != lock.key else "") \
        if lock.scope == Scope.ACCOUNT else f"来源地址 {lock.key}"
    body = f"安全提示：{what} 连续登录失败 {lock.failures} 次，已锁定至 {hhmm}。如需提前解锁请登录系统处理。"
    for phone in User.objects.filter(role=Role.SECADMIN, is_active=True).exclude(phone="") \
            .values_list("phone", flat=True):
        if not codec.is_mobile(phone):
            continue
        try:
            sms_send(to=phone, body=body, kind="account_locked")
        except SmsError:
            logger.warning("lock notice to security administrator %s not sent", phone, exc_info=True)


@transaction.atomic
def lock_release(*, lock: Lockout, actor) -> Lockout:
    """解锁: an account's or address's lock ends now; its counters start again."""
    lock = Lockout.objects.select_for_update().get(pk=lock.pk)
    if lock.unlocked_at is None:
        lock.unlocked_at, lock.unlocked_by = timezone.now(), actor
        lock.save(update_fields=["unlocked_at", "unlocked_by"])
        counters().clear(lock.scope, lock.key)
        audit_record(action=AuditAction.ACCOUNT_UNLOCKED, actor=actor,
                     target_type="user" if lock.scope == Scope.ACCOUNT else "address",
                     target_id=lock.key, target_label=lock.key, detail={"scope": lock.scope, "key": lock.key})
    return lock
