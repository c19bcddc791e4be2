"""The inbox index carries the inbox filters' columns (warn_at, ticket_type, state).

On PostgreSQL the new index is built CONCURRENTLY beside the old one and then swapped in,
so a city's ticket table keeps taking writes while it builds (a plain CREATE INDEX
would block every registration for the length of a scan of all tickets).
"""
from django.db import migrations, models

from hotline.migration_ops import swap_index_operation

HANDLING = models.Q(state__in=["dispatched", "in_progress"])
OLD = models.Index(fields=["lead_unit", "due_at", "id"], name="ticket_unit_handling_due", condition=HANDLING)
NEW = models.Index(fields=["lead_unit", "due_at", "id"], name="ticket_unit_handling_due",
                   include=["warn_at", "ticket_type", "state"], condition=HANDLING)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("hotline", "0005_drop_light_notified"),
    ]

    operations = [
        swap_index_operation("hotline", "ticket", OLD, NEW),
    ]
