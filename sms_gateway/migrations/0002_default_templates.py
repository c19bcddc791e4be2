"""The default SMS templates, editable in the admin afterwards (a copy, so this
migration means the same thing whatever the code's defaults become)."""
from django.db import migrations

from sms_gateway.migration_ops import load_templates

DEFAULTS = {'citizen_receipt': ('市民：受理回执',
                     'citizen',
                     True,
                     '您的诉求已受理，工单号{number}。回复“CX{number}”可查询办理进度。',
                     'number title'),
 'citizen_dispatched': ('市民：已转办',
                        'citizen',
                        True,
                        '您的工单{number}已转交{unit}办理，我们将跟踪督促。回复“CX{number}”可查询进度。',
                        'number title unit'),
 'citizen_result': ('市民：办理结果',
                    'citizen',
                    True,
                    '您的工单{number}已办理完毕。办理结果：{result}',
                    'number title unit result'),
 'citizen_survey': ('市民：满意度回访', 'citizen', True, '请评价工单{number}的办理结果：回复1满意，2基本满意，3不满意。', 'number title unit'),
 'leader_pending': ('领导：待批示',
                    'leader',
                    False,
                    '{leader}您好：工单{number}「{title}」待您批示，请点击 {link} 查看。',
                    'number title leader link'),
 'unit_assigned': ('承办单位：新工单',
                   'unit_head',
                   False,
                   '{unit}：新工单{number}「{title}」已派至贵单位{role}，请于{due}前办结。',
                   'number title unit role due'),
 'unit_urge': ('承办单位：催办（黄灯）',
               'unit_head',
               False,
               '【催办】{unit}：工单{number}「{title}」将于{due}到期，请抓紧办理。',
               'number title unit due'),
 'unit_supervise': ('承办单位：督办（红灯）',
                    'unit_head',
                    False,
                    '【督办】{unit}：工单{number}「{title}」已超过办理时限（{due}），请立即办理并书面说明情况。',
                    'number title unit due'),
 'reply_followup': ('回复：补充内容已收到', 'citizen', False, '已将您的补充内容加入工单{number}。', 'number title'),
 'reply_progress': ('回复：进度查询',
                    'citizen',
                    False,
                    '工单{number}（{title}）当前状态：{state}。{detail}',
                    'number title state detail'),
 'reply_not_found': ('回复：未找到工单', 'citizen', False, '未查到工单{number}，请核对工单号（只能查询本手机号提交的工单）。', 'number'),
 'reply_query_help': ('回复：查询说明', 'citizen', False, '您名下暂无工单。查询请回复“CX工单号”，例如 CX{example}。', 'example'),
 'reply_no_survey': ('回复：无待评价工单', 'citizen', False, '您目前没有待评价的工单。如有新的诉求，请直接发送短信描述。', ''),
 'reply_survey_thanks': ('回复：感谢评价', 'citizen', False, '感谢您对工单{number}的评价（{result}）。', 'number result'),
 'reply_survey_reopened': ('回复：不满意重办', 'citizen', False, '感谢您的评价。工单{number}将重新办理，请耐心等待。', 'number'),
 'reply_optout': ('回复：退订成功', 'citizen', False, '您已退订12345热线通知短信。如有诉求仍可直接发送短信。', ''),
 'reply_empty': ('回复：空短信', 'citizen', False, '短信内容为空。请直接发送您的诉求，我们将为您登记工单。', '')}


class Migration(migrations.Migration):
    dependencies = [("sms_gateway", "0001_initial")]
    operations = [load_templates(DEFAULTS)]
