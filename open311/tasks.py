"""Celery tasks of Open311. Thin: each calls one service."""
from celery import shared_task

from .services import service_requests_anonymise


@shared_task(name="open311.retention")
def retention() -> int:
    """Daily: the e-mail of Open311 submitters whose tickets personal-data retention anonymised."""
    return service_requests_anonymise()
