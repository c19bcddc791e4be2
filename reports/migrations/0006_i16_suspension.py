"""挂起 (issue 16, item 4): the rollups count suspensions and suspended tickets, and the duplicate
search's partial indexes (0002) cover suspended tickets, which are open (reports.intelligence.duplicates
INDEXED_OPEN_STATES lists the same states in the same order)."""
from django.db import migrations, models

from reports.migration_ops import rebuild_open_indexes

BEFORE = "('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened')"
AFTER = ("('registered','pending_approval','approved','dispatched','in_progress','returned','replied','reopened',"
         "'suspended')")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_i16_duplicate_suggestions'),
        ('hotline', '0009_i16_suspension'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailycube',
            name='suspended_now',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailycube',
            name='suspensions',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailydimstat',
            name='suspended_now',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailydimstat',
            name='suspensions',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailystat',
            name='suspended_now',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailystat',
            name='suspensions',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyunitstat',
            name='suspended_now',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='dailyunitstat',
            name='suspensions',
            field=models.IntegerField(default=0),
        ),
        rebuild_open_indexes(states=AFTER, states_before=BEFORE),
    ]
