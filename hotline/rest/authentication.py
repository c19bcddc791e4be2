"""Token authentication with a short in-process memory of recent tokens.

DRF's TokenAuthentication reads token and user from the database on every request: on the
operators' busiest call (registering a ticket) that was a tenth of the server's time. A
token seen in the last TOKEN_TTL seconds is trusted without the query. The bound is what
it costs: a token deleted or a user deactivated in another process keeps working there for
at most TOKEN_TTL seconds; in this process the signals below forget it at once.
"""
import threading
import time

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

TOKEN_TTL = 30.0
MAX_TOKENS = 5000
_recent: dict[str, tuple[float, object, Token]] = {}
_lock = threading.Lock()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        now = time.monotonic()
        hit = _recent.get(key)
        if hit is not None and now - hit[0] < TOKEN_TTL:
            return hit[1], hit[2]
        user, token = super().authenticate_credentials(key)  # raises for unknown keys and inactive users
        with _lock:
            if len(_recent) >= MAX_TOKENS:
                _recent.clear()
            _recent[key] = (now, user, token)
        return user, token


def forget_all(**kwargs) -> None:
    with _lock:
        _recent.clear()


post_delete.connect(forget_all, sender=Token, dispatch_uid="cached-token-deleted")
post_save.connect(forget_all, sender=get_user_model(), dispatch_uid="cached-token-user-changed")
