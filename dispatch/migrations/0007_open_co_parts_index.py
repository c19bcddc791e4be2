"""The co-unit index holds only unfinished co-unit parts (what an inbox looks up), not
every co-unit part ever assigned.

On PostgreSQL the new index is built CONCURRENTLY before the old one is dropped, so the
assignment table keeps taking dispatches while it builds.
"""
from django.db import migrations, models

from hotline.migration_ops import swap_index_operation

OLD = models.Index(fields=["unit", "ticket"], condition=models.Q(is_current=True, role="co"),
                   name="assignment_current_co")
NEW = models.Index(fields=["unit", "ticket"], name="assignment_open_co",
                   condition=models.Q(is_current=True, role="co", state__in=["pending", "signed"]))


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dispatch", "0006_light_timers"),
    ]

    operations = [
        swap_index_operation("dispatch", "assignment", OLD, NEW),
    ]
