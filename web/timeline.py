"""Turning TicketEvents into lines a person reads, for staff and for the citizen."""
from dataclasses import dataclass

from hotline.event_kinds import event_label
from hotline.models import TicketState
from hotline.privacy import scrub_text

# Payload keys worth a reader's attention, in the order they are shown.
DETAIL_KEYS = [
    ("category", "分类"), ("from_unit", "原主办"), ("lead_unit", "主办"), ("co_units", "协办"), ("leader", "呈报"),
    ("unit_names", "建议单位"), ("unit", "单位"), ("text", ""), ("answer", "答复"), ("reason_label", "退单原因"),
    # 挂起 (issue 16, item 4): why, for how long, when it resumes by itself, how it resumed, the span
    # it stood still and the deadline it moved to.
    ("suspend_reason", "挂起原因"), ("expected_days", "预计挂起工作日"), ("resume_by_text", "最迟恢复"),
    ("how_label", "恢复方式"), ("span", "挂起期间"), ("moved", "期限"),
    ("reason", "理由"), ("note", "说明"), ("result_label", "回访结果"), ("comment", "市民意见"), ("into", "并入"),
    ("from", "来自"), ("extra_days", "延长工作日"), ("channel", "渠道"), ("absent_co_units", "未答复的协办单位"),
    ("title", "公开标题"), ("point", "知识点"), ("confidential", ""),
    # issue 16 items 5 and 6
    ("co_due_at", "协办时限"), ("sub_unit", "下级单位"), ("sub_due_at", "下级办理时限"), ("parent_unit", "上级单位"),
    ("answered_co_units", "协办意见"), ("closed_sub_units", "结束的下级办理"),
]
ALERT_KINDS = {"urge", "supervise", "extension_rejected", "return", "callback_dissatisfied", "leader_return",
               "leader_return_reopened", "return_refused", "reassign", "suspension_rejected", "hand_down_sent_back",
               "review_send_back"}


@dataclass
class Line:
    id: int
    kind: str
    label: str
    actor: str
    at: object
    detail: str
    state_label: str
    alert: bool


def kind_label(kind: str) -> str:
    return event_label(kind)


def _moment(value: str) -> str:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(str(value))
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else str(value)


def _detail(payload: dict) -> str:
    parts = []
    for key, label in DETAIL_KEYS:
        value = payload.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "confidential":  # issue 16 item 8: registered as 保密件
            value = "保密件"
        if key == "channel":
            from hotline.models import Channel

            value = Channel(value).label if value in Channel.values else value
        if key.endswith("_due_at"):  # an ISO moment (issue 16's deadlines) as a person reads it
            value = _moment(value)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        parts.append(f"{label}：{value}" if label else str(value))
    return "；".join(parts)


def staff_lines(events, *, lens=None) -> list[Line]:
    """Every event, with who did it. `lens`: the viewer's hotline.privacy lens on the ticket
    (issue 16 item 8): payloads are read through it (masked for leaders, the citizen hidden
    from units and leaders on a confidential ticket)."""
    lines = []
    for e in events:
        payload = lens.payload(e.payload, kind=e.kind) if lens is not None else (e.payload or {})
        detail = _detail(payload)
        lines.append(Line(e.pk, e.kind, kind_label(e.kind), e.actor_label or (str(e.actor) if e.actor else "系统"),
                          e.created_at, detail,
                          TicketState(e.to_state).label if e.to_state in TicketState.values else "",
                          e.kind in ALERT_KINDS))
    return lines


PUBLIC_LABELS = {
    "register": "您的诉求已受理",
    "submit_for_approval": "已呈报领导",
    "instruct": "领导已批示",
    "dispatch": "已转交承办单位办理",
    "redispatch": "已重新转交承办单位办理",
    "sign": "承办单位已签收，正在办理",
    "reply": "承办单位已答复",
    # 办结审核: the citizen reads the reply once the centre approved it (the approved text).
    "review_approve": "承办单位已答复",
    "return": "工单重新分派中",
    "reassign": "已改由其他承办单位办理",
    "answer_directly": "热线已直接答复",
    "callback_satisfied": "回访完成，工单办结",
    "callback_dissatisfied": "您不满意，工单重新办理",
    "close_without_callback": "工单办结",
    "merge": "已与相同诉求合并办理",
    "mark_invalid": "工单无效",
    "extension_approved": "办理期限已延长",
    "followup": "已收到您的补充内容",
    "photos_added": "已收到现场照片",  # issue 19: the photos themselves are never on the citizen's page
    "agent_notices_off": "已取消代办员接收进度短信",  # issue 19 item 3: the citizen's own choice
    "suspend": "工单暂缓办理（挂起），期间不计办理时限",
    "resume": "工单恢复办理",
    "resume_unsigned": "工单恢复办理",
}
# Kinds the citizen's page leaves out on purpose: staff work between milestones, reminders,
# messages (the citizen has them on the phone) and the case review. Every kind the code writes
# is in PUBLIC_LABELS or here (tests/web/test_event_labels.py).
NOT_PUBLIC = frozenset({
    "co_sign", "co_reply", "urge", "supervise", "extension_requested", "extension_rejected", "merged_in",
    "sms_sent", "sign_overdue", "callback_due", "survey_sent", "case_published", "case_updated", "case_withdrawn",
    "co_parts_closed", "leader_return", "leader_return_reopened", "calendar_uncovered",
    "duplicate_suggested", "knowledge_answered", "return_requested", "return_refused",
    "suspension_requested", "suspension_rejected",
    # issue 16 item 5: a unit's internal hand-down to its sub-units is staff work between milestones
    "hand_down", "hand_down_signed", "hand_down_replied", "hand_down_accepted", "hand_down_sent_back",
    "hand_down_withdrawn",
    "confidential_marked",  # issue 16 item 8: staff business; the citizen asked for it or the centre decided
    "reply_for_review", "review_send_back",  # 办结审核: the reply is not the answer until approved
    # issue 18 item 2: a unit's appeal against its rating is between the unit and the centre
    "appeal_filed", "appeal_upheld", "appeal_rejected",
})


def public_lines(events, *, names=()) -> list[Line]:
    """The citizen's view: milestones only, no staff names, no internal notes, text scrubbed."""
    lines = []
    for e in events:
        if e.kind not in PUBLIC_LABELS:
            continue
        payload = e.payload or {}
        detail = ""
        if e.kind in ("dispatch", "redispatch", "reassign"):
            detail = f"承办单位：{payload.get('lead_unit', '')}"
        elif e.kind == "reply":
            detail = scrub_text(payload.get("text", ""), names=names, max_length=None)
        elif e.kind == "review_approve":
            detail = scrub_text(payload.get("reply_text", ""), names=names, max_length=None)
        elif e.kind == "answer_directly":
            detail = scrub_text(payload.get("answer", ""), names=names, max_length=None)
        elif e.kind == "merge":
            detail = f"合并至工单 {payload.get('into', '')}"
        elif e.kind in ("resume", "resume_unsigned") and payload.get("new_due_at"):
            detail = f"办理时限：{payload['new_due_at'][:16].replace('T', ' ')}"
        lines.append(Line(e.pk, e.kind, PUBLIC_LABELS[e.kind], "", e.created_at, detail, "", False))
    return lines
