"""退单审核 (issue 16, item 1): the unit head hears the centre's decision, as editable templates (a copy)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "unit_return_accepted": ("承办单位：退单申请已同意", "unit_head", False,
                             "{unit}：工单{number}「{title}」的退单申请已同意，工单已退回热线办另行派单，贵单位无需继续办理。",
                             "number title unit"),
    "unit_return_refused": ("承办单位：退单申请被驳回", "unit_head", False,
                            "{unit}：工单{number}「{title}」的退单申请未获同意（{reason}），请按原时限于{due}前办结。",
                            "number title unit reason due"),
}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0004_i17_knowledge_replies")]
    operations = [load_templates(DEFAULTS)]
