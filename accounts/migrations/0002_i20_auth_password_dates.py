"""Passwords set before the policy count as set now (at the upgrade): they expire
PASSWORD_MAX_AGE_DAYS later, not at once, and are in the history."""
from django.db import migrations


def date_existing(apps, schema_editor):
    User = apps.get_model("hotline", "User")
    PasswordRecord = apps.get_model("accounts", "PasswordRecord")
    PasswordRecord.objects.bulk_create(
        PasswordRecord(user_id=pk, password=password)
        for pk, password in User.objects.exclude(password="").exclude(password__startswith="!")
        .values_list("pk", "password").iterator())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_i20_auth")]
    operations = [migrations.RunPython(date_existing, migrations.RunPython.noop)]
