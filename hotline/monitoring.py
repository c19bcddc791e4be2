"""The event outbox in /api/health/ and /metrics (registered with ops in HotlineConfig.ready)."""
from django.conf import settings
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from ops import health, metrics

from .models import EventOutbox


def oldest_row():
    """(id, created_at) of the oldest undelivered outbox row, or None: one primary-key lookup."""
    return EventOutbox.objects.order_by("id").values_list("id", "created_at").first()


def backlog_age(oldest) -> float:
    return 0.0 if oldest is None else max(0.0, (timezone.now() - oldest[1]).total_seconds())


def check_outbox() -> health.Result:
    """Old rows mean no worker is draining (or it fails): degraded, since notices are late but
    nothing is lost and tickets can still be handled."""
    age = backlog_age(oldest_row())
    too_old = age > settings.OPS_OUTBOX_DEGRADED_SECONDS
    return health.Result(health.DEGRADED if too_old else health.UP, {"oldest_unsent_seconds": round(age, 1)})


def collect():
    oldest = oldest_row()
    age = GaugeMetricFamily("hotline_outbox_oldest_seconds", "Age of the oldest undelivered event outbox row")
    age.add_metric([], backlog_age(oldest))
    yield age
    rows = GaugeMetricFamily("hotline_outbox_rows", "Undelivered event outbox rows (capped at 10000)")
    rows.add_metric([], EventOutbox.objects.all()[:10000].count() if oldest else 0)
    yield rows


def register() -> None:
    health.register("outbox", check_outbox, needs=("database",))
    metrics.register("outbox", collect)
