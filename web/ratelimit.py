"""Fixed-window rate limits in the cache (Redis in production), keyed by client IP."""
from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """REMOTE_ADDR, or the first X-Forwarded-For hop when the proxy in front is trusted."""
    if getattr(settings, "PORTAL_TRUST_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts fell in the current window."""
    cache_key = f"ratelimit:{scope}:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        return True
    return count <= limit


def limit_for(name: str) -> tuple[int, int]:
    """(limit, window seconds) from settings.PORTAL_RATE_LIMITS."""
    return settings.PORTAL_RATE_LIMITS[name]


def allow(request, name: str) -> bool:
    limit, window = limit_for(name)
    return hit(name, client_ip(request), limit=limit, window_seconds=window)
