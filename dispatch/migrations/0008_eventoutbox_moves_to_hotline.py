# The outbox moved to hotline (hotline.0007_eventoutbox), table and rows untouched.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0007_open_co_parts_index"),
        ("hotline", "0007_eventoutbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EventOutbox")],
            database_operations=[],
        ),
    ]
