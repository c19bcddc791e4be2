# The outbox moves beside the event bus (hotline.outbox): only the model's owner changes,
# the table keeps its name and rows.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0006_inbox_index_covers_filters"),
        ("dispatch", "0007_open_co_parts_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EventOutbox",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("event_ids", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"db_table": "dispatch_eventoutbox"},
                ),
            ],
            database_operations=[],
        ),
    ]
