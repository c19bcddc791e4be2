"""The co-unit index holds only unfinished co-unit parts (what an inbox looks up), not
every co-unit part ever assigned.

On PostgreSQL the new index is built CONCURRENTLY before the old one is dropped, so the
assignment table keeps taking dispatches while it builds.
"""
from django.db import migrations, models

OLD = models.Index(fields=["unit", "ticket"], condition=models.Q(is_current=True, role="co"),
                   name="assignment_current_co")
NEW = models.Index(fields=["unit", "ticket"], name="assignment_open_co",
                   condition=models.Q(is_current=True, role="co", state__in=["pending", "signed"]))


def swap(apps, schema_editor, old: models.Index, new: models.Index) -> None:
    assignment = apps.get_model("dispatch", "Assignment")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(assignment, old)
        schema_editor.add_index(assignment, new)
        return
    sql = str(new.create_sql(assignment, schema_editor)).replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY", 1)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{new.name}"')  # a build cut off earlier
    schema_editor.execute(sql)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{old.name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dispatch", "0006_light_timers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="assignment", name="assignment_current_co"),
                migrations.AddIndex(model_name="assignment", index=NEW),
            ],
            database_operations=[
                migrations.RunPython(lambda apps, editor: swap(apps, editor, OLD, NEW),
                                     lambda apps, editor: swap(apps, editor, NEW, OLD)),
            ],
        ),
    ]
