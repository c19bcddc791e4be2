"""What one process tells the others, through the shared cache (Redis in production):
heartbeats (the SMPP session is bound; the light sweep ran, and how long it took), counters
(SMS sent and failed) and per-process gauges (open websockets).

Why the cache and not prometheus_client's own files: the processes that do these things
(the Celery worker, the SMPP gateway, the uvicorn websocket servers) run in containers of
their own, and /metrics is answered by gunicorn; Redis is what they all share. In the
embedded default the cache is per process, which is all a single `runserver` needs.
Everything here swallows cache errors: reporting must never break the work it reports on.
"""
import logging
import os
import socket
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)
PREFIX = "ops:"
_HOST = f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str, ttl: int | None = None, **data) -> None:
    """Records that `name` is alive now (with `data`), for `ttl` seconds (None: until replaced)."""
    try:
        cache.set(f"{PREFIX}beat:{name}", {"at": time.time(), **data}, timeout=ttl)
    except Exception:
        logger.debug("heartbeat %s not recorded", name, exc_info=True)


def last_beat(name: str) -> dict | None:
    """The last heartbeat of `name` or None; raises when the cache is unreachable."""
    return cache.get(f"{PREFIX}beat:{name}")


def count(name: str, amount: int = 1) -> None:
    """Adds to a counter every process shares (a Prometheus counter: it restarts at 0 with Redis)."""
    if amount <= 0:
        return
    key = f"{PREFIX}count:{name}"
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key, amount)
    except Exception:
        logger.debug("counter %s not incremented", name, exc_info=True)


def counts(names: list[str]) -> dict[str, int]:
    found = cache.get_many([f"{PREFIX}count:{n}" for n in names])
    return {n: int(found.get(f"{PREFIX}count:{n}", 0)) for n in names}


def process_gauge(name: str, value: float, ttl: int) -> None:
    """This process's value of a gauge summed over processes (open websockets). A process that
    dies stops refreshing it and its share expires after `ttl` seconds."""
    try:
        members = cache.get(f"{PREFIX}gauge:{name}:members") or []
        if _HOST not in members:
            cache.set(f"{PREFIX}gauge:{name}:members", [*members, _HOST][-500:], timeout=None)
        cache.set(f"{PREFIX}gauge:{name}:{_HOST}", value, timeout=ttl)
    except Exception:
        logger.debug("gauge %s not recorded", name, exc_info=True)


def process_gauge_sum(name: str) -> float:
    members = cache.get(f"{PREFIX}gauge:{name}:members") or []
    if not members:
        return 0.0
    values = cache.get_many([f"{PREFIX}gauge:{name}:{m}" for m in members])
    alive = [m for m in members if f"{PREFIX}gauge:{name}:{m}" in values]
    if len(alive) < len(members):  # forget the processes whose share expired
        cache.set(f"{PREFIX}gauge:{name}:members", alive, timeout=None)
    return float(sum(values.values()))
