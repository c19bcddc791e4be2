"""办结审核 (issue 16 item 3): the rollups count the centre's review decisions (reviewed, sent_back);
the open-ticket trigram indexes of 0002 are rebuilt with the new open state 待审核 (reviewing) in
their predicate (PostgreSQL; reports.intelligence.duplicates.INDEXED_OPEN_STATES)."""

from django.db import migrations, models

from reports.migration_ops import rebuild_open_indexes

OLD_OPEN = "('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened')"
OPEN = ("('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened',"
        "'reviewing')")


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
        rebuild_open_indexes(states=OPEN, states_before=OLD_OPEN),
    ]
