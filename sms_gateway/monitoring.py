"""The SMS side of /api/health/ and /metrics (registered with ops in SmsGatewayConfig.ready)."""
import time

from django.conf import settings
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ops import health, metrics, shared

from .models import MessagePart, PartState

GATEWAY_BEAT = "smpp"  # written by the gateway (smpp/session.py) every few seconds while bound
GATEWAY_BEAT_SECONDS = 5
GATEWAY_BEAT_TTL = 30  # a gateway killed without a word is unbound after this
TRANSPORTS = ("local", "smpp")


def gateway_alive(*, bound: bool, session: str = "") -> None:
    shared.beat(GATEWAY_BEAT, ttl=GATEWAY_BEAT_TTL if bound else None, bound=bound, session=session)


def count_sent(transport: str, amount: int = 1) -> None:
    shared.count(f"sms_sent:{transport}", amount)


def count_failed(transport: str, amount: int = 1) -> None:
    shared.count(f"sms_failed:{transport}", amount)


def oldest_queued_age() -> float | None:
    """Seconds the oldest part waiting for its first submit_sm has waited (the index sms_part_state)."""
    created = (MessagePart.objects.filter(state=PartState.QUEUED).order_by("id")
               .values_list("message__date_created", flat=True).first())
    return None if created is None else max(0.0, (timezone.now() - created).total_seconds())


def check_session() -> health.Result:
    """Bound: the gateway's heartbeat says so. Not critical: messages queue until it binds."""
    if settings.SMS_TRANSPORT != "smpp":
        return health.Result(health.SKIPPED)
    beat = shared.last_beat(GATEWAY_BEAT)
    if not beat:
        return health.Result(health.DEGRADED, {"bound": False, "reason": "no gateway heartbeat"})
    age = round(time.time() - beat["at"], 1)
    if not beat.get("bound"):
        return health.Result(health.DEGRADED, {"bound": False, "seconds_since_beat": age})
    return health.Result(health.UP, {"bound": True, "seconds_since_beat": age})


def check_outbox() -> health.Result:
    if settings.SMS_TRANSPORT != "smpp":  # the local transport delivers as it writes
        return health.Result(health.SKIPPED)
    age = oldest_queued_age()
    detail = {"oldest_unsent_seconds": None if age is None else round(age, 1)}
    too_old = age is not None and age > settings.OPS_SMS_BACKLOG_DEGRADED_SECONDS
    return health.Result(health.DEGRADED if too_old else health.UP, detail)


def collect():
    queued = GaugeMetricFamily("hotline_sms_queue_parts", "SMS parts waiting for their first submit_sm")
    queued.add_metric([], MessagePart.objects.filter(state=PartState.QUEUED).count())
    yield queued
    age = GaugeMetricFamily("hotline_sms_queue_oldest_seconds", "Age of the oldest queued SMS part (0: none)")
    age.add_metric([], oldest_queued_age() or 0.0)
    yield age
    names = [f"{kind}:{t}" for kind in ("sms_sent", "sms_failed") for t in TRANSPORTS]
    counts = shared.counts(names)
    for kind, text in (("sms_sent", "SMS handed over: local = messages delivered, smpp = submit_sm accepted"),
                       ("sms_failed", "SMS refused: smpp = submit_sm rejected for good")):
        family = CounterMetricFamily(f"hotline_{kind}", text, labels=["transport"])
        for transport in TRANSPORTS:
            family.add_metric([transport], counts[f"{kind}:{transport}"])
        yield family
    if settings.SMS_TRANSPORT == "smpp":
        beat = shared.last_beat(GATEWAY_BEAT)
        bound = GaugeMetricFamily("hotline_smpp_bound", "1 while the SMPP gateway reports a bound session")
        bound.add_metric([], 1 if beat and beat.get("bound") else 0)
        yield bound


def register() -> None:
    health.register("smpp", check_session, needs=("redis",))
    health.register("sms_outbox", check_outbox, needs=("database",))
    metrics.register("sms", collect, needs_redis=True)
