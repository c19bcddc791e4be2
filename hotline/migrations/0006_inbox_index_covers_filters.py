"""The inbox index carries the inbox filters' columns (warn_at, ticket_type, state).

On PostgreSQL the new index is built CONCURRENTLY beside the old one and then swapped in,
so a city's ticket table keeps taking writes while it builds (a plain CREATE INDEX
would block every registration for the length of a scan of all tickets).
"""
from django.db import migrations, models

HANDLING = models.Q(state__in=["dispatched", "in_progress"])
OLD = models.Index(fields=["lead_unit", "due_at", "id"], name="ticket_unit_handling_due", condition=HANDLING)
NEW = models.Index(fields=["lead_unit", "due_at", "id"], name="ticket_unit_handling_due",
                   include=["warn_at", "ticket_type", "state"], condition=HANDLING)
BUILDING = "ticket_unit_handling_due_next"


def swap(apps, schema_editor, old: models.Index, new: models.Index) -> None:
    ticket = apps.get_model("hotline", "Ticket")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(ticket, old)
        schema_editor.add_index(ticket, new)
        return
    sql = str(new.create_sql(ticket, schema_editor)).replace(
        f'INDEX "{new.name}"', f'INDEX CONCURRENTLY "{BUILDING}"', 1)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{BUILDING}"')  # a build cut off earlier
    schema_editor.execute(sql)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{old.name}"')
    schema_editor.execute(f'ALTER INDEX "{BUILDING}" RENAME TO "{new.name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("hotline", "0005_drop_light_notified"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="ticket", name="ticket_unit_handling_due"),
                migrations.AddIndex(model_name="ticket", index=NEW),
            ],
            database_operations=[
                migrations.RunPython(lambda apps, editor: swap(apps, editor, OLD, NEW),
                                     lambda apps, editor: swap(apps, editor, NEW, OLD)),
            ],
        ),
    ]
