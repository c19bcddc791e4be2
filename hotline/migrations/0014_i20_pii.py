"""Issue 20 item 4: citizens' phones encrypted at rest, found through a keyed digest; an
optional, encrypted ID number. Existing rows are encrypted in batches (hotline.pii); the
reverse decrypts them back into plain numbers."""
import django.core.validators
from django.db import migrations, models

import hotline.models.fields
import hotline.models.people

BATCH = 2000
LABEL = "citizen.phone"


def encrypt_phones(apps, schema_editor):
    from hotline import pii

    table = apps.get_model("hotline", "Citizen")._meta.db_table
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, phone FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return
            updates = [(pii.encrypt(phone, label=LABEL), pii.digest(phone, label=LABEL), pk)
                       for pk, phone in rows if not pii.is_encrypted(phone)]
            if updates:
                cursor.executemany(f"UPDATE {quote(table)} SET phone = %s, phone_digest = %s WHERE id = %s", updates)
            last = rows[-1][0]


def decrypt_phones(apps, schema_editor):
    from hotline import pii

    table = apps.get_model("hotline", "Citizen")._meta.db_table
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, phone FROM {quote(table)}")
        updates = [(pii.decrypt(phone, label=LABEL), pk) for pk, phone in cursor.fetchall()]
        cursor.executemany(f"UPDATE {quote(table)} SET phone = %s WHERE id = %s", updates)


class Migration(migrations.Migration):

    dependencies = [
        ("hotline", "0013_i20_audit_and_three_admins"),
    ]

    operations = [
        migrations.AlterField(
            model_name="citizen",
            name="phone",
            field=models.CharField(max_length=88, verbose_name="电话"),
        ),
        migrations.AddField(
            model_name="citizen",
            name="phone_digest",
            field=models.CharField(max_length=64, null=True, editable=False, verbose_name="电话检索摘要"),
        ),
        migrations.AddField(
            model_name="citizen",
            name="id_number",
            field=hotline.models.fields.EncryptedCharField(
                blank=True, default="", label="citizen.id_number", plain_max_length=18,
                validators=[hotline.models.people.id_number_validator], verbose_name="身份证号"),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
        migrations.AlterField(
            model_name="citizen",
            name="phone",
            field=hotline.models.fields.EncryptedCharField(
                digest_field="phone_digest", label="citizen.phone", plain_max_length=20,
                validators=[django.core.validators.RegexValidator(
                    "^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$", "请输入有效的手机号或带区号的固定电话")],
                verbose_name="电话"),
        ),
        migrations.AlterField(
            model_name="citizen",
            name="phone_digest",
            field=hotline.models.fields.DigestField(
                editable=False, label="citizen.phone", source="phone", unique=True, verbose_name="电话检索摘要"),
        ),
        migrations.AddField(
            model_name="ticket",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="个人信息清除时间"),
        ),
    ]
