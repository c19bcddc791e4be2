"""What migrations share. Kept stable: applied migrations import it."""
from django.db import migrations, models


def swap_index(schema_editor, model, old: models.Index, new: models.Index) -> None:
    """Replace index `old` of `model` by `new`. On PostgreSQL the new one is built
    CONCURRENTLY (under a temporary name when both share one) before the old one is
    dropped, so a city's table keeps taking writes while it builds; the migration that
    calls this must be `atomic = False`. Elsewhere: a plain drop and create."""
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(model, old)
        schema_editor.add_index(model, new)
        return
    building = f"{new.name}_next" if new.name == old.name else new.name
    sql = str(new.create_sql(model, schema_editor)).replace(
        f'INDEX "{new.name}"', f'INDEX CONCURRENTLY "{building}"', 1)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{building}"')  # a build cut off earlier
    schema_editor.execute(sql)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{old.name}"')
    if building != new.name:
        schema_editor.execute(f'ALTER INDEX "{building}" RENAME TO "{new.name}"')


def swap_index_operation(app_label: str, model_name: str, old: models.Index, new: models.Index):
    """The migration operation for `swap_index`: the state learns of the new index, the
    database swaps it in (and back when the migration is reversed)."""
    def swap(apps, schema_editor, before: models.Index, after: models.Index) -> None:
        swap_index(schema_editor, apps.get_model(app_label, model_name), before, after)

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.RemoveIndex(model_name=model_name, name=old.name),
            migrations.AddIndex(model_name=model_name, index=new),
        ],
        database_operations=[
            migrations.RunPython(lambda apps, editor: swap(apps, editor, old, new),
                                 lambda apps, editor: swap(apps, editor, new, old)),
        ],
    )
