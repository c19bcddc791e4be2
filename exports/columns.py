"""The column catalogue of the ticket-list export (工单明细): what a user may choose, in what
order the chooser offers them, and which database values each column reads.

Each column names the `values_list` fields it needs; the export reads only the fields of the
chosen columns (plus the few that masking and the light need), never model instances."""
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from dispatch.models import Survey
from hotline.models import Channel, Light, TicketState, TicketType, Urgency


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fields: tuple[str, ...]
    kind: str = "text"  # text | time | choice | bool | int | light
    choices: dict | None = None
    default: bool = True  # ticked in the chooser at first
    private: bool = False  # personal data: passes through hotline.privacy's lens


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices.choices}


LIGHT_LABELS = {Light.RED: "红灯", Light.YELLOW: "黄灯", Light.GREEN: "绿灯"}
SATISFACTION_LABELS = _labels(Survey.Result)

COLUMNS: tuple[Column, ...] = (
    Column("number", "工单编号", ("number",)),
    Column("created_at", "登记时间", ("created_at",), "time"),
    Column("channel", "来源渠道", ("channel",), "choice", _labels(Channel)),
    Column("ticket_type", "诉求类型", ("ticket_type",), "choice", _labels(TicketType)),
    Column("urgency", "紧急程度", ("urgency",), "choice", _labels(Urgency)),
    Column("category", "诉求分类", ("category__full_name",)),
    Column("title", "标题", ("title",), private=True),
    Column("content", "诉求内容", ("content",), default=False, private=True),
    Column("address", "事发地点", ("address",), private=True),
    Column("area", "所属区域", ("area",)),
    Column("citizen_name", "市民姓名", ("citizen__name",), private=True),
    Column("citizen_phone", "联系电话", ("citizen__phone",), private=True),
    Column("state", "状态", ("state",), "choice", _labels(TicketState)),
    Column("lead_unit", "主办单位", ("lead_unit__name",)),
    Column("dispatched_at", "派单时间", ("dispatched_at",), "time", default=False),
    Column("due_at", "办理时限", ("due_at",), "time"),
    Column("light", "灯色", ("state", "due_at", "warn_at", "state_changed_at"), "light"),
    Column("signed_at", "签收时间", ("signed_at",), "time", default=False),
    Column("replied_at", "答复时间", ("replied_at",), "time", default=False),
    Column("closed_at", "办结时间", ("closed_at",), "time"),
    Column("closed_on_time", "是否按时办结", ("closed_on_time",), "bool"),
    Column("satisfaction", "满意度", ("satisfaction",), "choice", SATISFACTION_LABELS),
    Column("reopen_count", "重办次数", ("reopen_count",), "int", default=False),
)
BY_KEY = {column.key: column for column in COLUMNS}
MAX_COLUMNS = len(COLUMNS)


def satisfaction_annotation():
    """The latest answered callback survey's result (回访满意度), read in the row's own statement
    along the survey's ticket index: only when the column is chosen."""
    answered = Survey.objects.filter(ticket=OuterRef("pk"), state=Survey.State.ANSWERED).exclude(result="")
    return Subquery(answered.order_by("-id").values("result")[:1])
