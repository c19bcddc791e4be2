"""Celery tasks of the audit trail. Thin: each calls one service."""
from celery import shared_task

from .archive import audit_archive


@shared_task(name="audit.archive")
def archive() -> int:
    """Daily: rows past the retention go to archive files (a failure is the task's error)."""
    return sum(a.count for a in audit_archive())


@shared_task(name="audit.seal")
def seal() -> int:
    """Every few minutes: extend the hash chain over rows at least a minute old."""
    from .seal import audit_seal

    return sum(s.count for s in audit_seal())
