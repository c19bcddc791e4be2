"""办结审核 (issue 16 item 3): the unit head's 退回重办 notice as an editable template (a copy, as in 0002)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "unit_sent_back": ("承办单位：退回重办", "unit_head", False,
                       "【退回重办】{unit}：工单{number}「{title}」的答复经热线办审核退回，原因：{reason}。"
                       "请重新办理并于{due}前回复。",
                       "number title unit due reason"),
}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0004_i17_knowledge_replies")]
    operations = [load_templates(DEFAULTS)]
