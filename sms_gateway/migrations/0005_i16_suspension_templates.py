"""挂起 (issue 16, item 4): the citizen's and the unit head's notices as editable templates (a copy, as in 0002)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "citizen_suspended": ("市民：暂缓办理（挂起）", "citizen", True,
                          "您的工单{number}因{reason}暂缓办理，暂缓期间不计办理时限。情况具备后（如材料已备齐），"
                          "请直接回复本短信说明，工单将恢复办理。",
                          "number title unit reason"),
    "citizen_resumed": ("市民：恢复办理", "citizen", True,
                        "您的工单{number}已恢复办理，办理时限顺延至{due}。回复“CX{number}”可查询进度。",
                        "number title unit due"),
    "unit_suspension_approved": ("承办单位：挂起已同意", "unit_head", False,
                                 "{unit}：工单{number}「{title}」挂起申请已同意，挂起期间暂停计时，最迟{resume_by}自动恢复办理。",
                                 "number title unit resume_by note"),
    "unit_suspension_rejected": ("承办单位：挂起被驳回", "unit_head", False,
                                 "{unit}：工单{number}「{title}」挂起申请未获同意（{note}），请于{due}前办结。",
                                 "number title unit due note"),
    "unit_resumed": ("承办单位：恢复办理", "unit_head", False,
                     "{unit}：工单{number}「{title}」已恢复办理（{how}），办理时限顺延至{due}，请按时办结。",
                     "number title unit due how"),
}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0004_i17_knowledge_replies")]
    operations = [load_templates(DEFAULTS)]
