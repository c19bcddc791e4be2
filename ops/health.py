"""/api/health/: each dependency's status and latency, and one status code for the load balancer.

200 when the service can serve requests: every *critical* check is up (the database; Redis
when REDIS_URL is set, since sessions' cache, the websockets' layer and the broker are there).
503 when a critical one is down. A non-critical check that fails (the broker, the SMPP session,
an old outbox backlog, a late light sweep) makes the answer "degraded" with 200: tickets can
still be registered and handled; the notices wait in their durable queues.

Apps add their checks in ready() with register(); each must be cheap (an index lookup, a cache
get): load balancers call this every few seconds. Answers never carry URLs, hosts or passwords.
"""
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

UP, DEGRADED, DOWN, SKIPPED = "up", "degraded", "down", "skipped"


@dataclass(frozen=True)
class Result:
    status: str  # UP, DEGRADED, DOWN or SKIPPED (not configured here)
    detail: dict | None = None


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], Result]
    critical: bool


_checks: dict[str, Check] = {}


def register(name: str, run: Callable[[], Result], *, critical: bool = False) -> None:
    _checks[name] = Check(name, run, critical)


def _run_one(check: Check) -> dict:
    started = time.perf_counter()
    try:
        result = check.run()
    except Exception as exc:
        logger.warning("health check %s failed: %s", check.name, exc.__class__.__name__)
        result = Result(DOWN, {"error": exc.__class__.__name__})
    entry = {"status": result.status, "critical": check.critical,
             "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    if result.detail:
        entry.update(result.detail)
    return entry


def report() -> tuple[int, dict]:
    """(HTTP status, body) for /api/health/."""
    checks = {name: _run_one(check) for name, check in _checks.items()}
    critical_down = [n for n, c in checks.items() if c["critical"] and c["status"] == DOWN]
    troubled = [n for n, c in checks.items() if c["status"] in (DOWN, DEGRADED)]
    status = "down" if critical_down else "degraded" if troubled else "ok"
    return (503 if critical_down else 200), {"status": status, "checks": checks}


# --- the checks of the platform itself ---------------------------------------------------------
def database() -> Result:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return Result(UP, {"vendor": connection.vendor})


def redis_cache() -> Result:
    if not settings.REDIS_URL:
        return Result(SKIPPED)
    from django.core.cache import cache

    cache.set("ops:health", 1, timeout=30)  # a write: a read-only or full Redis cannot serve sessions
    return Result(UP)


_broker_client = None


def broker() -> Result:
    """The Celery broker answers a PING (a Redis of its own or REDIS_URL's). Not critical: the
    outbox keeps notices until a worker drains it, and beat's safety net queues a drain."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return Result(SKIPPED)
    global _broker_client
    if _broker_client is None:
        import redis

        _broker_client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
    _broker_client.ping()
    return Result(UP)


register("database", database, critical=True)
register("redis", redis_cache, critical=True)
register("broker", broker)
