"""The default text of every message, and rendering templates with their placeholders.

The admin edits the SmsTemplate rows (loaded from DEFAULTS by a data migration);
if a row is missing the default here is used, so a fresh database still talks.
"""
import string

from django.core.exceptions import ValidationError

# key: (name, recipient, optional, text, placeholders)
DEFAULTS: dict[str, tuple[str, str, bool, str, str]] = {
    "citizen_receipt": (
        "市民：受理回执", "citizen", True,
        "您的诉求已受理，工单号{number}。回复“CX{number}”可查询办理进度。",
        "number title",
    ),
    "citizen_dispatched": (
        "市民：已转办", "citizen", True,
        "您的工单{number}已转交{unit}办理，我们将跟踪督促。回复“CX{number}”可查询进度。",
        "number title unit",
    ),
    "citizen_result": (
        "市民：办理结果", "citizen", True,
        "您的工单{number}已办理完毕。办理结果：{result}",
        "number title unit result",
    ),
    "citizen_survey": (
        "市民：满意度回访", "citizen", True,
        "请评价工单{number}的办理结果：回复1满意，2基本满意，3不满意。",
        "number title unit",
    ),
    # 中途提醒 (issue 16): the citizen hears of every turn that changes when or by whom.
    "citizen_redispatched": (
        "市民：改由他单位办理", "citizen", True,
        "您的工单{number}已改由{unit}办理，办理时限至{due}。回复“CX{number}”可查询进度。",
        "number title unit due",
    ),
    "citizen_extended": (
        "市民：办理时限延长", "citizen", True,
        "您的工单{number}因办理需要，经审核办理时限延长至{due}，我们将继续跟踪督促。",
        "number title unit due",
    ),
    "citizen_merged": (
        "市民：已合并办理", "citizen", True,
        "您的工单{number}与工单{into}反映同一问题，已合并办理，办理结果将一并答复。",
        "number title into",
    ),
    "citizen_invalid": (
        "市民：不予受理", "citizen", True,
        "您的工单{number}经核实不予受理：{reason}。如有疑问请拨打12345。",
        "number title reason",
    ),
    # 挂起 (issue 16, item 4): why the ticket waits, that a reply resumes it; and the new deadline.
    "citizen_suspended": (
        "市民：暂缓办理（挂起）", "citizen", True,
        "您的工单{number}因{reason}暂缓办理，暂缓期间不计办理时限。情况具备后（如材料已备齐），"
        "请直接回复本短信说明，工单将恢复办理。",
        "number title unit reason",
    ),
    "citizen_resumed": (
        "市民：恢复办理", "citizen", True,
        "您的工单{number}已恢复办理，办理时限顺延至{due}。回复“CX{number}”可查询进度。",
        "number title unit due",
    ),
    "leader_pending": (
        "领导：待批示", "leader", False,
        "{leader}您好：工单{number}「{title}」待您批示，请点击 {link} 查看。",
        "number title leader link",
    ),
    "unit_assigned": (
        "承办单位：新工单", "unit_head", False,
        "{unit}：新工单{number}「{title}」已派至贵单位{role}，请于{due}前办结。",
        "number title unit role due",
    ),
    # 二级派单 (issue 16 item 5): the sub-unit's head hears of a ticket its parent unit handed down.
    "unit_handed_down": (
        "承办单位：上级转来工单", "unit_head", False,
        "{unit}：{parent}转来工单{number}「{title}」，请于{due}前办理并向{parent}回复。",
        "number title unit parent due",
    ),
    "unit_urge": (
        "承办单位：催办（黄灯）", "unit_head", False,
        "【催办】{unit}：工单{number}「{title}」将于{due}到期，请抓紧办理。",
        "number title unit due",
    ),
    "unit_supervise": (
        "承办单位：督办（红灯）", "unit_head", False,
        "【督办】{unit}：工单{number}「{title}」已超过办理时限（{due}），请立即办理并书面说明情况。",
        "number title unit due",
    ),
    "unit_suspension_approved": (
        "承办单位：挂起已同意", "unit_head", False,
        "{unit}：工单{number}「{title}」挂起申请已同意，挂起期间暂停计时，最迟{resume_by}自动恢复办理。",
        "number title unit resume_by note",
    ),
    "unit_suspension_rejected": (
        "承办单位：挂起被驳回", "unit_head", False,
        "{unit}：工单{number}「{title}」挂起申请未获同意（{note}），请于{due}前办结。",
        "number title unit due note",
    ),
    "unit_resumed": (
        "承办单位：恢复办理", "unit_head", False,
        "{unit}：工单{number}「{title}」已恢复办理（{how}），办理时限顺延至{due}，请按时办结。",
        "number title unit due how",
    ),
    # 退单审核 (issue 16): the unit head hears the centre's decision on the unit's return request.
    "unit_return_accepted": (
        "承办单位：退单申请已同意", "unit_head", False,
        "{unit}：工单{number}「{title}」的退单申请已同意，工单已退回热线办另行派单，贵单位无需继续办理。",
        "number title unit",
    ),
    "unit_return_refused": (
        "承办单位：退单申请被驳回", "unit_head", False,
        "{unit}：工单{number}「{title}」的退单申请未获同意（{reason}），请按原时限于{due}前办结。",
        "number title unit reason due",
    ),
    # 办结审核 (issue 16 item 3): the centre sent the unit's reply back (退回重办); the deadline stands.
    "unit_sent_back": (
        "承办单位：退回重办", "unit_head", False,
        "【退回重办】{unit}：工单{number}「{title}」的答复经热线办审核退回，原因：{reason}。请重新办理并于{due}前回复。",
        "number title unit due reason",
    ),
    "reply_followup": (
        "回复：补充内容已收到", "citizen", False,
        "已将您的补充内容加入工单{number}。",
        "number title",
    ),
    "reply_progress": (
        "回复：进度查询", "citizen", False,
        "工单{number}（{title}）当前状态：{state}。{detail}",
        "number title state detail",
    ),
    "reply_not_found": (
        "回复：未找到工单", "citizen", False,
        "未查到工单{number}，请核对工单号（只能查询本手机号提交的工单）。",
        "number",
    ),
    "reply_query_help": (
        "回复：查询说明", "citizen", False,
        "您名下暂无工单。查询请回复“CX工单号”，例如 CX{example}。",
        "example",
    ),
    "reply_no_survey": (
        "回复：无待评价工单", "citizen", False,
        "您目前没有待评价的工单。如有新的诉求，请直接发送短信描述。",
        "",
    ),
    "reply_survey_thanks": (
        "回复：感谢评价", "citizen", False,
        "感谢您对工单{number}的评价（{result}）。",
        "number result",
    ),
    "reply_survey_reopened": (
        "回复：不满意重办", "citizen", False,
        "感谢您的评价。工单{number}将重新办理，请耐心等待。",
        "number",
    ),
    "reply_optout": (
        "回复：退订成功", "citizen", False,
        "您已退订12345热线通知短信。如有诉求仍可直接发送短信。",
        "",
    ),
    "reply_empty": (
        "回复：空短信", "citizen", False,
        "短信内容为空。请直接发送您的诉求，我们将为您登记工单。",
        "",
    ),
    # ZX <问题>: the knowledge base's answer (knowledge registers the keyword; docs/KNOWLEDGE_USE.md).
    # {answer} is cut so that the reply with the signature fits in two SMS parts.
    "reply_faq_answer": (
        "回复：知识库答复", "citizen", False,
        "{answer} 详见 {link}",
        "answer link question",
    ),
    "reply_faq_none": (
        "回复：知识库无匹配", "citizen", False,
        "暂未找到“{question}”的答复。请拨打12345热线咨询；如需反映诉求，请直接发送诉求内容（不加ZX）。",
        "question",
    ),
    "reply_faq_help": (
        "回复：知识库查询说明", "citizen", False,
        "请在ZX后写上您要咨询的问题，例如：ZX 公积金提取。也可拨打12345热线咨询。",
        "",
    ),
    "reply_faq_limited": (
        "回复：知识库查询过于频繁", "citizen", False,
        "您的咨询短信过于频繁，请稍后再试，或拨打12345热线咨询。",
        "",
    ),
    # Village agents (issue 19 item 3, agents/; docs/AGENTS.md): the citizen's consent code, and
    # the answer to QXDB (取消代办), which stops the agent's copies of the progress notices.
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


class _Lenient(dict):
    def __missing__(self, key):  # an unknown placeholder stays visible instead of failing a send
        return "{" + key + "}"


def placeholders_in(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def validate_template_text(key: str, text: str) -> None:
    try:
        used = placeholders_in(text)
    except ValueError:
        raise ValidationError("模板中的花括号不成对") from None
    allowed = set(DEFAULTS[key][4].split()) if key in DEFAULTS else used
    unknown = used - allowed
    if unknown:
        raise ValidationError(
            f"未知占位符：{'、'.join(sorted(unknown))}；可用：{'、'.join(sorted(allowed)) or '无'}"
        )


def render(text: str, context: dict) -> str:
    try:
        return string.Formatter().vformat(text, (), _Lenient({k: str(v) for k, v in context.items()}))
    except (ValueError, IndexError):
        return text
