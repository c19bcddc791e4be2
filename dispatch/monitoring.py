"""The light sweep in /api/health/ and /metrics (registered with ops in DispatchConfig.ready).

The sweep runs in a Celery worker every settings.HOTLINE_SWEEP_SECONDS (beat); each run leaves
a heartbeat in the shared cache with its duration, which the web process reads."""
import time

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ops import health, metrics, shared

SWEEP_BEAT = "sweep_lights"


def sweep_done(*, seconds: float, urged: int, supervised: int) -> None:
    shared.beat(SWEEP_BEAT, seconds=round(seconds, 4), urged=urged, supervised=supervised)
    shared.count("sweeps")


def check_sweep() -> health.Result:
    """Late sweeps mean lights and notices are late, not that requests fail: degraded at worst."""
    beat = shared.last_beat(SWEEP_BEAT)
    if not beat:
        if not settings.REDIS_URL:  # the embedded default's sweeps run in another process's cache
            return health.Result(health.SKIPPED)
        return health.Result(health.DEGRADED, {"reason": "no sweep recorded"})
    age = round(time.time() - beat["at"], 1)
    late = age > settings.OPS_SWEEP_LATE_SECONDS
    return health.Result(health.DEGRADED if late else health.UP,
                         {"seconds_since_last": age, "last_duration_seconds": beat.get("seconds")})


def collect():
    beat = shared.last_beat(SWEEP_BEAT)
    duration = GaugeMetricFamily("hotline_timer_sweep_duration_seconds", "How long the last light sweep took")
    last = GaugeMetricFamily("hotline_timer_sweep_last_run_timestamp_seconds", "When the last light sweep ended")
    if beat:
        duration.add_metric([], beat.get("seconds") or 0.0)
        last.add_metric([], beat["at"])
    runs = CounterMetricFamily("hotline_timer_sweeps", "Light sweeps run (since Redis started)")
    runs.add_metric([], shared.counts(["sweeps"])["sweeps"])
    yield from (duration, last, runs)


def register() -> None:
    health.register("timers", check_sweep, needs=("redis",))
    metrics.register("timers", collect, needs_redis=True)
