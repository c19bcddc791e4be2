"""Rows written once and never changed: ticket events, identity reads, the audit trail.

The model refuses an update or a delete through the ORM; on PostgreSQL a trigger (audit
migration 0003) refuses them from any connection too (docs/SECURITY-audit.md)."""
from django.db import models


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} rows are append-only")
