"""Village agents (issue 19 item 3, agents/): the recipient 代办员 (a copy of the citizen's notices),
and the consent code and QXDB answers as editable templates (a copy, as in 0002)."""
from django.db import migrations, models

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "agent_consent_code": (
        "代办：市民同意验证码", "citizen", False,
        "{agent}（{village}代办员）正为您向12345热线代办诉求，验证码{code}，{minutes}分钟内有效。"
        "同意代办请将验证码告知代办员；如不同意请勿告知。",
        "agent village code minutes",
    ),
    "reply_agent_optout": (
        "回复：已取消代办员进度短信", "citizen", False,
        "已停止向代办员发送工单{numbers}的办理进度短信，您本人仍会收到通知。",
        "numbers",
    ),
    "reply_agent_optout_none": (
        "回复：无可取消的代办工单", "citizen", False,
        "未找到您可取消代办员进度短信的代办工单。如有疑问请拨打12345热线。",
        "",
    ),
}


class Migration(migrations.Migration):

    dependencies = [
        ('sms_gateway', '0008_merge_i16_reply_review'),
    ]

    operations = [
        migrations.AlterField(
            model_name='smstemplate',
            name='recipient',
            field=models.CharField(choices=[('citizen', '市民'), ('leader', '领导'), ('unit_head', '承办单位负责人'), ('agent', '代办员')], max_length=12, verbose_name='接收人'),
        ),
        load_templates(DEFAULTS),
    ]
