"""The citizen's mid-process notices (中途提醒, issue 16) as editable templates (a copy, as in 0002)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "citizen_redispatched": ("市民：改由他单位办理", "citizen", True,
                             "您的工单{number}已改由{unit}办理，办理时限至{due}。回复“CX{number}”可查询进度。",
                             "number title unit due"),
    "citizen_extended": ("市民：办理时限延长", "citizen", True,
                         "您的工单{number}因办理需要，经审核办理时限延长至{due}，我们将继续跟踪督促。",
                         "number title unit due"),
    "citizen_merged": ("市民：已合并办理", "citizen", True,
                       "您的工单{number}与工单{into}反映同一问题，已合并办理，办理结果将一并答复。",
                       "number title into"),
    "citizen_invalid": ("市民：不予受理", "citizen", True,
                        "您的工单{number}经核实不予受理：{reason}。如有疑问请拨打12345。",
                        "number title reason"),
}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0002_default_templates")]
    operations = [load_templates(DEFAULTS)]
