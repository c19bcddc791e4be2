"""API token authentication with expiry, fast revocation and the password's age.

hotline.rest.authentication.CachedTokenAuthentication trusts a token it saw in the last 30 s
without the database. Revocation (accounts.services.token_revoke / token_revoke_all) deletes the
token, which that process forgets at once (its post_delete signal), and bumps an epoch in the
shared cache; every other process reads the epoch at most every EPOCH_CHECK_SECONDS and forgets
all it remembers when it changed. So a revoked token stops working everywhere within
EPOCH_CHECK_SECONDS with Redis; without Redis (the embedded default: one process) at once.
"""
import threading
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_save
from django.utils import timezone
from rest_framework import exceptions, status

from hotline.rest.authentication import MAX_TOKENS, TOKEN_TTL, CachedTokenAuthentication, forget_all

EPOCH_CHECK_SECONDS = 1.0
_epoch = {"seen": None, "checked": -1e9}
# (user id, password hash) -> (checked, password expiry): a new password is a new key.
_expiry: dict[tuple[int, str], tuple[float, object]] = {}
_lock = threading.Lock()


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = "接口令牌已过期，请重新获取"
    default_code = "token_expired"


class PasswordExpired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "密码已过期，请先在网页上修改密码"
    default_code = "password_expired"


def _sync_epoch() -> None:
    from .services import TOKEN_EPOCH_KEY

    now = time.monotonic()
    if now - _epoch["checked"] < EPOCH_CHECK_SECONDS:
        return
    value = cache.get(TOKEN_EPOCH_KEY, 0)
    with _lock:
        _epoch["checked"] = now
        if value != _epoch["seen"]:
            _epoch["seen"] = value
            forget_all()
            _expiry.clear()


def _password_expires_at(user):
    from .services import password_expires_at

    now, key = time.monotonic(), (user.pk, user.password)
    hit = _expiry.get(key)
    if hit is not None and now - hit[0] < TOKEN_TTL:
        return hit[1]
    expires = password_expires_at(user)
    if len(_expiry) >= MAX_TOKENS:
        _expiry.clear()
    _expiry[key] = (now, expires)
    return expires


def _forget_expiries(**kwargs) -> None:
    _expiry.clear()


post_save.connect(_forget_expiries, sender=get_user_model(), dispatch_uid="accounts-expiry-user-changed")


class ExpiringTokenAuthentication(CachedTokenAuthentication):
    def authenticate_credentials(self, key):
        from .services import token_expires_at

        _sync_epoch()
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        if token_expires_at(token, user) <= now:
            raise TokenExpired()
        expires = _password_expires_at(user)
        if expires is not None and expires <= now:
            raise PasswordExpired()
        return user, token
