"""Prometheus metrics at /metrics (prometheus_client, the official client).

Two kinds, because the processes are several:
- measured in the web process itself: the HTTP request latency histogram. gunicorn runs
  several worker processes; prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR,
  set by gunicorn.conf.py) keeps each worker's samples in a file and the scrape sums them,
  whichever worker answers it.
- worked out at scrape time from what all processes share (the database, the Redis cache):
  outbox backlogs, the SMS queue, SMS sent/failed counters, the last light sweep, open
  websockets. Those happen in other containers (worker, gateway, ws) that the web's
  multiprocess directory cannot see. Apps add them with register(fn) in ready(); fn returns
  metric families and must stay cheap.
"""
import logging
import os
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "hotline_http_request_duration_seconds", "HTTP requests by route (URL name), method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

_collectors: dict[str, tuple[Callable[[], Iterable], bool]] = {}


def register(name: str, collect: Callable[[], Iterable], *, needs_redis: bool = False) -> None:
    """`needs_redis`: the source reads the shared cache; skipped at once when Redis is down
    (the cache client's retries would hold the scrape for seconds)."""
    _collectors[name] = (collect, needs_redis)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"  # 404s of any path count as one route, not one per path
    return match.view_name or match.route or "unnamed"


def observe_request(request, status_code: int, seconds: float) -> None:
    if request.path == "/metrics":
        return  # the scrapes themselves are not the product's traffic
    REQUEST_LATENCY.labels(route_of(request), request.method, f"{status_code // 100}xx").observe(seconds)


class SharedStateCollector(Collector):
    """The scrape-time metrics of the apps; one failing source is skipped, not the whole scrape."""

    def collect(self):
        ok = GaugeMetricFamily("hotline_metrics_source_up", "1 when the source of a group of metrics answered",
                               labels=["source"])
        redis_up = None
        for name, (collect, needs_redis) in _collectors.items():
            if needs_redis:
                if redis_up is None:
                    from .health import redis_up as ask

                    redis_up = ask()
                if not redis_up:
                    ok.add_metric([name], 0)
                    continue
            try:
                families = list(collect())
            except Exception:
                logger.warning("metrics source %s failed", name, exc_info=True)
                ok.add_metric([name], 0)
                continue
            ok.add_metric([name], 1)
            yield from families
        yield ok


def scrape() -> bytes:
    """The exposition text: this process's (or all gunicorn workers') metrics and the shared ones."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in _process_collectors():
            registry.register(collector)
    registry.register(SharedStateCollector())
    return generate_latest(registry)


def _process_collectors():
    """Without multiprocess mode: the default registry's own (this process, its request histogram)."""
    return [_DefaultRegistryView()]


class _DefaultRegistryView(Collector):
    def collect(self):
        return REGISTRY.collect()


def mark_process_dead(pid: int) -> None:
    """gunicorn's child_exit: a dead worker's live gauges leave the sums (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
