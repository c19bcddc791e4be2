"""The Chinese name of every kind of timeline event, for every timeline that shows one (staff
pages, the live push, the API). A writer of a new kind adds it here: tests/web/test_event_labels.py
finds every kind the code can write and fails on one without a Chinese label."""
from .workflow import TRANSITIONS

EVENT_LABELS: dict[str, str] = {name: t.label for name, t in TRANSITIONS.items()} | {
    "register": "登记受理",
    "followup": "市民补充",
    "co_sign": "协办单位签收",
    "co_reply": "协办单位回复",
    "urge": "催办",
    "supervise": "督办",
    "extension_requested": "申请延期",
    "extension_approved": "同意延期",
    "extension_rejected": "驳回延期",
    # issue 16, item 1: a unit's 退单 is a request the centre reviews (accepted: the "return" transition)
    "return_requested": "申请退单",
    "return_refused": "驳回退单",
    "merged_in": "并入工单",
    "co_parts_closed": "协办结束",
    "sms_sent": "发送短信",
    "sign_overdue": "签收超时提醒",
    "callback_due": "回访到期提醒",
    "survey_sent": "发送回访短信",
    "case_published": "公开为典型案例",
    "case_updated": "修改公开案例",
    "case_withdrawn": "撤回公开案例",
    "calendar_uncovered": "期限未计节假日",
    "duplicate_suggested": "疑似重复",
    "knowledge_answered": "引用知识点答复",
    "photos_added": "上传照片",  # issue 19 item 4 (photos.services.photos_add)
    # 挂起 (issue 16, item 4); the transitions suspend / resume / resume_unsigned are named in TRANSITIONS.
    "suspension_requested": "申请挂起",
    "suspension_rejected": "驳回挂起",
    # issue 16 item 5: two-level dispatch (二级派单)
    "hand_down": "转下级办理",
    "hand_down_signed": "下级单位签收",
    "hand_down_replied": "下级单位回复",
    "hand_down_accepted": "下级回复审核通过",
    "hand_down_sent_back": "下级回复退回重办",
    "hand_down_withdrawn": "收回下级办理",
    # issue 16 item 8, complainants protected
    "confidential_marked": "设为保密件",
    # issue 18 item 2: appeals (申诉, appeals/services.py)
    "appeal_filed": "单位提出申诉",
    "appeal_upheld": "申诉成立",
    "appeal_rejected": "申诉驳回",
    # issue 19 item 3, village agents (agents/)
    "agent_notices_off": "市民取消代办员进度短信",
}
UNKNOWN_LABEL = "其他记录"


def event_label(kind: str) -> str:
    """The kind's Chinese name; a kind nobody named yet reads 其他记录, never its code."""
    return EVENT_LABELS.get(kind, UNKNOWN_LABEL)
