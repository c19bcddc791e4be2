"""Issue 16: two new open states met here — 挂起's "suspended" (0006_i16_suspension) and 办结审核's
"reviewing" (0006_i16_reply_review) — each of which rebuilt the duplicate search's partial indexes
(0002) for itself. This merges the two branches and rebuilds the indexes once over every open state,
in the order reports.intelligence.duplicates.INDEXED_OPEN_STATES lists them."""
from django.db import migrations

from reports.migration_ops import rebuild_open_indexes

# Frozen here (a migration must not follow later code); the same list as INDEXED_OPEN_STATES today.
ALL_OPEN = ("('registered','pending_approval','approved','dispatched','in_progress','returned','replied',"
            "'reopened','suspended','reviewing')")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0006_i16_reply_review"),
        ("reports", "0007_merge_i16_twolevel"),
        ("hotline", "0011_merge_i16_reply_review"),
    ]

    operations = [rebuild_open_indexes(states=ALL_OPEN, states_before=None)]
