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
    needs: tuple[str, ...] = ()  # checks that must be up for this one to be asked at all


_checks: dict[str, Check] = {}


def register(name: str, run: Callable[[], Result], *, critical: bool = False, needs: tuple[str, ...] = ()) -> None:
    """`needs=("redis",)`: a check that reads the shared cache is reported down at once when
    Redis is, instead of waiting for the cache client's retries (seconds) to give up."""
    _checks[name] = Check(name, run, critical, needs)


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
    checks: dict[str, dict] = {}
    for name, check in _checks.items():
        down = [n for n in check.needs if checks.get(n, {}).get("status") == DOWN]
        checks[name] = (_run_one(check) if not down else
                        {"status": DOWN, "critical": check.critical, "latency_ms": 0.0, "error": f"{down[0]} down"})
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


_quick_clients: dict = {}


def quick_redis(url: str):
    """A client that gives up at once: one second to connect or answer and no retries. redis-py's
    default (3 retries with backoff) keeps a health check waiting for seconds when Redis is down,
    longer than a load balancer waits for the answer."""
    client = _quick_clients.get(url)
    if client is None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = _quick_clients.setdefault(url, redis.Redis.from_url(
            url, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)))
    return client


def redis_up() -> bool:
    """Redis (REDIS_URL) answers; True when there is none to ask."""
    if not settings.REDIS_URL:
        return True
    try:
        return bool(quick_redis(settings.REDIS_URL).ping())
    except Exception:
        return False


def redis_cache() -> Result:
    if not settings.REDIS_URL:
        return Result(SKIPPED)
    # A write: a read-only or full Redis cannot keep the cache, the sockets' layer or the queue.
    quick_redis(settings.REDIS_URL).set("ops:health", 1, ex=30)
    return Result(UP)


def broker() -> Result:
    """The Celery broker answers a PING (a Redis of its own or REDIS_URL's). Not critical: the
    outbox keeps notices until a worker drains it, and beat's safety net queues a drain."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return Result(SKIPPED)
    quick_redis(settings.CELERY_BROKER_URL).ping()
    return Result(UP)


register("database", database, critical=True)
register("redis", redis_cache, critical=True)
register("broker", broker)
