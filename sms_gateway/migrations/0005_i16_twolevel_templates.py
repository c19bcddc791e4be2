"""二级派单 (issue 16 item 5): the sub-unit head's SMS as an editable template (a copy, as in 0002)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "unit_handed_down": ("承办单位：上级转来工单", "unit_head", False,
                         "{unit}：{parent}转来工单{number}「{title}」，请于{due}前办理并向{parent}回复。",
                         "number title unit parent due"),
}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0004_i17_knowledge_replies")]
    operations = [load_templates(DEFAULTS)]
