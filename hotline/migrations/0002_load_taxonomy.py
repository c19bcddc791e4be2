from django.db import migrations

from hotline.taxonomy import load_taxonomy


def forwards(apps, schema_editor):
    load_taxonomy(apps.get_model("hotline", "Category"))


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
