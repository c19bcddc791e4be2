"""Celery tasks of the knowledge base. Thin: each calls one service."""
from celery import shared_task

from hotline.tasks import TRANSIENT_RETRY

from .services import expiry


@shared_task(name="knowledge.notify_expiring", **TRANSIENT_RETRY)
def notify_expiring() -> int:
    return expiry.notify_expiring()
