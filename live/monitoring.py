"""Open websockets for /metrics (registered with ops in LiveConfig.ready).

The sockets live in the uvicorn processes (containers of their own); /metrics is answered by
gunicorn. Each process keeps its own count and publishes it to the shared cache (ops.shared
process gauges): at most every FLUSH_SECONDS, and again while clients ping (every 25 s), so a
process that dies drops out of the sum after GAUGE_TTL seconds."""
import asyncio
import time

from prometheus_client.core import GaugeMetricFamily

from ops import metrics, shared

KINDS = ("staff", "display")
FLUSH_SECONDS = 2.0
REFRESH_SECONDS = 30.0
GAUGE_TTL = 90

_open = dict.fromkeys(KINDS, 0)
_state = {"written": 0.0, "dirty": False, "scheduled": False}


def _write() -> None:
    _state.update(written=time.monotonic(), dirty=False, scheduled=False)
    for kind in KINDS:
        shared.process_gauge(f"ws:{kind}", _open[kind], ttl=GAUGE_TTL)


def _touch(changed: bool) -> None:
    _state["dirty"] = _state["dirty"] or changed
    since = time.monotonic() - _state["written"]
    if since >= (FLUSH_SECONDS if _state["dirty"] else REFRESH_SECONDS):
        _write()
    elif _state["dirty"] and not _state["scheduled"]:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            _write()
            return
        _state["scheduled"] = True
        loop.call_later(FLUSH_SECONDS - since, _write)


def opened(kind: str) -> None:
    _open[kind] += 1
    _touch(True)


def closed(kind: str) -> None:
    _open[kind] = max(0, _open[kind] - 1)
    _touch(True)


def pinged() -> None:
    _touch(False)


def collect():
    family = GaugeMetricFamily("hotline_websocket_connections", "Open websockets over all ASGI processes",
                               labels=["kind"])
    for kind in KINDS:
        family.add_metric([kind], shared.process_gauge_sum(f"ws:{kind}"))
    yield family


def register() -> None:
    metrics.register("websockets", collect, needs_redis=True)
