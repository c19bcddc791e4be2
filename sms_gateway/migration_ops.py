"""What the SMS template data migrations share (0002, 0003, 0004). Kept stable: applied
migrations import it. Each migration passes its own frozen copy of the texts; this only writes
them as admin-editable rows (a row an admin already has is left alone) and removes them on reverse."""
from django.db import migrations


def load_templates(defaults: dict[str, tuple[str, str, bool, str, str]]) -> migrations.RunPython:
    """defaults: key → (name, recipient, optional, text, placeholders)."""

    def load(apps, schema_editor):
        SmsTemplate = apps.get_model("sms_gateway", "SmsTemplate")
        for key, (name, recipient, optional, text, placeholders) in defaults.items():
            SmsTemplate.objects.get_or_create(key=key, defaults={
                "name": name, "recipient": recipient, "optional": optional, "text": text,
                "placeholders": placeholders,
            })

    def unload(apps, schema_editor):
        apps.get_model("sms_gateway", "SmsTemplate").objects.filter(key__in=list(defaults)).delete()

    return migrations.RunPython(load, unload)
