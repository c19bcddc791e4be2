"""The knowledge base's SMS replies (ZX <问题>, issue 17) as editable templates (a copy, as in 0002)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {
    "reply_faq_answer": ("回复：知识库答复", "citizen", False, "{answer} 详见 {link}", "answer link question"),
    "reply_faq_none": ("回复：知识库无匹配", "citizen", False,
                       "暂未找到“{question}”的答复。请拨打12345热线咨询；如需反映诉求，请直接发送诉求内容（不加ZX）。",
                       "question"),
    "reply_faq_help": ("回复：知识库查询说明", "citizen", False,
                       "请在ZX后写上您要咨询的问题，例如：ZX 公积金提取。也可拨打12345热线咨询。", ""),
    "reply_faq_limited": ("回复：知识库查询过于频繁", "citizen", False,
                          "您的咨询短信过于频繁，请稍后再试，或拨打12345热线咨询。", ""),
}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0003_i16_citizen_progress_templates")]
    operations = [load_templates(DEFAULTS)]
