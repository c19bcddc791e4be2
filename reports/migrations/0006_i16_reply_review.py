"""办结审核 (issue 16 item 3): the rollups count the centre's review decisions (reviewed, sent_back);
the open-ticket trigram indexes of 0002 are rebuilt with the new open state 待审核 (reviewing) in
their predicate (PostgreSQL; reports.intelligence.duplicates.INDEXED_OPEN_STATES)."""

from django.db import migrations, models

OLD_OPEN = "('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened')"
OPEN = ("('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened',"
        "'reviewing')")


def _indexes(open_states: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS reports_open_title_trgm",
        "DROP INDEX IF EXISTS reports_open_address_trgm",
        f"CREATE INDEX IF NOT EXISTS reports_open_title_trgm ON hotline_ticket USING gin (title gin_trgm_ops) "
        f"WHERE state IN {open_states}",
        f"CREATE INDEX IF NOT EXISTS reports_open_address_trgm ON hotline_ticket USING gist (address gist_trgm_ops) "
        f"WHERE state IN {open_states} AND address <> ''",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _indexes(OPEN):
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _indexes(OLD_OPEN):
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_i16_duplicate_suggestions'),
        ('hotline', '0009_i16_reply_review'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailycube',
            name='reviewed',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailycube',
            name='sent_back',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailydimstat',
            name='reviewed',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailydimstat',
            name='sent_back',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailystat',
            name='reviewed',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailystat',
            name='sent_back',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyunitstat',
            name='reviewed',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyunitstat',
            name='sent_back',
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(forwards, backwards),
    ]
