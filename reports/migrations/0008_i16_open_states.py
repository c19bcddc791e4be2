"""Issue 16: two new open states met here — 挂起's "suspended" (0006_i16_suspension) and 办结审核's
"reviewing" (0006_i16_reply_review) — each of which rebuilt the duplicate search's partial indexes
(0002) for itself. This merges the two branches and rebuilds the indexes once over every open state,
in the order reports.intelligence.duplicates.INDEXED_OPEN_STATES lists them."""
from django.db import migrations

# Frozen here (a migration must not follow later code); the same list as INDEXED_OPEN_STATES today.
ALL_OPEN = ("('registered','pending_approval','approved','dispatched','in_progress','returned','replied',"
            "'reopened','suspended','reviewing')")


def indexes(states: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS reports_open_title_trgm",
        "DROP INDEX IF EXISTS reports_open_address_trgm",
        f"CREATE INDEX reports_open_title_trgm ON hotline_ticket USING gin (title gin_trgm_ops) "
        f"WHERE state IN {states}",
        f"CREATE INDEX reports_open_address_trgm ON hotline_ticket USING gist (address gist_trgm_ops) "
        f"WHERE state IN {states} AND address <> ''",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in indexes(ALL_OPEN):
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0006_i16_reply_review"),
        ("reports", "0007_merge_i16_twolevel"),
        ("hotline", "0011_merge_i16_reply_review"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
