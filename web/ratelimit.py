"""The portal's per-action limits (settings.PORTAL_RATE_LIMITS) on the shared limiter (hardening)."""
from django.conf import settings

from hardening.ratelimit import client_ip
from hardening.ratelimit import hit as _hit

__all__ = ["allow", "client_ip", "hit", "limit_for"]


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts fell in the current window."""
    return not _hit(scope, key, limit=limit, window_seconds=window_seconds)


def limit_for(name: str) -> tuple[int, int]:
    """(limit, window seconds) from settings.PORTAL_RATE_LIMITS."""
    return settings.PORTAL_RATE_LIMITS[name]


def allow(request, name: str) -> bool:
    limit, window = limit_for(name)
    return hit(name, client_ip(request), limit=limit, window_seconds=window)
