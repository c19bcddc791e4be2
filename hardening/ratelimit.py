"""One rate limiter for every public endpoint: fixed windows counted in the cache (Redis when
REDIS_URL is set, so every process shares the count; the process's memory otherwise).

Two ways in: the table settings.RATE_LIMITS applied by RateLimitMiddleware to the paths it names,
and `hit()` for a view that limits one action itself (the portal's form posts, the SMS keyword
replies). Over the limit the answer is 429 with a Chinese message and Retry-After."""
import json
import logging
import re
import time
from dataclasses import dataclass

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from ops.client import client_ip

logger = logging.getLogger(__name__)


def window_count(scope: str, key: str, *, window_seconds: int) -> tuple[int, float]:
    """Count one attempt in the fixed window its scope and key's first attempt opened (shared
    through the cache): (attempts in the window so far, this one included; the window's start)."""
    cache_key = f"ratelimit:{scope}:{key}"
    now = time.time()
    if cache.add(cache_key, 1, timeout=window_seconds):
        cache.set(f"{cache_key}:start", now, timeout=window_seconds)
        return 1, now
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        cache.set(f"{cache_key}:start", now, timeout=window_seconds)
        return 1, now
    return count, cache.get(f"{cache_key}:start") or now


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> int:
    """Count one attempt. 0 while within `limit` attempts of the window that the first attempt
    opened, else the seconds until that window ends (what Retry-After says)."""
    if not settings.RATE_LIMITS_ENABLED:
        return 0
    count, start = window_count(scope, key, window_seconds=window_seconds)
    if count <= max(limit, 1):  # a window's first attempt always passes
        return 0
    return max(1, int(start + window_seconds - time.time() + 0.999))


def check(request, name: str) -> int:
    """hit() for the limit settings.RATE_LIMITS[name], keyed by the client's address."""
    limit, window = settings.RATE_LIMITS[name][1:3]
    return hit(name, client_ip(request), limit=limit, window_seconds=window)


MESSAGE = "请求过于频繁，请{wait}后再试。如有急事请拨打12345热线。"


def _wait_text(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 120 else f"{(seconds + 59) // 60}分钟"


def too_many(request, retry_after: int) -> HttpResponse:
    """429 in the caller's language of choice: JSON for the API and webhooks, a short page otherwise."""
    message = MESSAGE.format(wait=_wait_text(retry_after))
    wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
    if wants_json:
        # The API's one error body (hotline.rest.errors).
        body = json.dumps({"error": {"code": "rate_limited", "message": message, "field": None,
                                     "details": {"retry_after": retry_after}}}, ensure_ascii=False)
        response = HttpResponse(body, status=429, content_type="application/json; charset=utf-8")
    else:
        body = (f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>请求过于频繁</title>'
                f'</head><body><h1>请求过于频繁</h1><p>{message}</p></body></html>')
        response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    methods: frozenset[str]


def _rules() -> list[Rule]:
    return [Rule(name, re.compile(spec[0]), frozenset(spec[3]) if len(spec) > 3 and spec[3] else frozenset())
            for name, spec in settings.RATE_LIMITS.items() if spec[0]]


class RateLimitMiddleware:
    """Applies settings.RATE_LIMITS: each entry whose path pattern and method match counts the
    request against the client's address; the first one over its limit answers 429."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.rules = _rules()
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        return self.refusal(request) or self.get_response(request)

    async def _acall(self, request):
        # The cache call is a short blocking one, made only for the few paths in the table.
        return self.refusal(request) or await self.get_response(request)

    def refusal(self, request) -> HttpResponse | None:
        for rule in self.rules:
            if rule.methods and request.method not in rule.methods:
                continue
            if not rule.pattern.match(request.path):
                continue
            retry_after = check(request, rule.name)
            if retry_after:
                logger.warning("rate limit %s exceeded by %s on %s", rule.name, client_ip(request), request.path)
                return too_many(request, retry_after)
        return None
