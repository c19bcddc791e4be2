"""Trigram indexes for duplicate detection on PostgreSQL (no-op elsewhere).

They index hotline_ticket, but only its open tickets (a partial index), so they stay
small however many closed tickets accumulate. No hotline model changes."""
from django.db import migrations

OPEN = "('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened')"
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS reports_open_title_trgm ON hotline_ticket USING gin (title gin_trgm_ops) "
    f"WHERE state IN {OPEN}",
    # GiST, not GIN: addresses repeat a lot ("X区X路"), so the nearest few are found by
    # KNN ordering (address <-> query) instead of re-checking every loose match.
    f"CREATE INDEX IF NOT EXISTS reports_open_address_trgm ON hotline_ticket USING gist (address gist_trgm_ops) "
    f"WHERE state IN {OPEN} AND address <> ''",
]
DROP = ["DROP INDEX IF EXISTS reports_open_title_trgm", "DROP INDEX IF EXISTS reports_open_address_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("hotline", "0002_load_taxonomy")]
    operations = [migrations.RunPython(forwards, backwards)]
