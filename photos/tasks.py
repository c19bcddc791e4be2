"""Celery tasks of the photos. Thin: each calls one service."""
from celery import shared_task

from .services import photos_sweep_orphans


@shared_task(name="photos.sweep")
def sweep() -> int:
    """Daily: files a rolled-back upload left behind (no row names them) are deleted."""
    return photos_sweep_orphans()
