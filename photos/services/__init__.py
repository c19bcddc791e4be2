"""Writes of the photos app: photos_add (tickets' photos), photos_publish (the centre's choice
for a typical case)."""
from .adding import MAX_PER_TICKET, photos_add, photos_prepare, photos_sweep_orphans
from .publishing import photos_publish

__all__ = ["MAX_PER_TICKET", "photos_add", "photos_prepare", "photos_publish", "photos_sweep_orphans"]
