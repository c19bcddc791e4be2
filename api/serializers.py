"""API shapes. Input serializers only parse; the services decide."""
from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from dispatch.deadlines import part_light, ticket_light
from dispatch.models import Assignment, ExtensionRequest, Instruction, Reply, Survey, Suspension, TicketReturn
from dispatch.selectors import ticket_actions_for
from hotline.event_kinds import event_label
from hotline.models import (
    Category,
    Channel,
    Role,
    Ticket,
    TicketEvent,
    TicketState,
    TicketType,
    Unit,
    Urgency,
    User,
)
from hotline.privacy import ticket_as_seen_by
from hotline.rest.parsing import flag_like, text_like

from . import representation

TEXT_MAX = settings.HOTLINE_MAX_TEXT_LENGTH


@text_like
class Text(serializers.CharField):
    """A CharField whose schema carries the pattern of what the field accepts (api.schema_fields):
    some non-blank text without NUL, or (allow_blank) anything without NUL. It converts as CharField
    does, but takes strings only (CharField turns a number into text, where the schema says string),
    so the fast body reader (hotline.rest.parsing), which takes strings only, treats it as one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReplyText(Text):
    """A unit's reply: the schema's pattern says what validate_reply_text counts (at least
    REPLY_MIN_LENGTH letters or digits; api.schema_fields.ReplyTextExtension)."""


@flag_like
class Flag(serializers.BooleanField):
    """A boolean that takes what the schema says, JSON true or false. DRF's BooleanField also takes
    1, "yes", "on" and the like, which the schema does not allow; a multipart form's words "true"
    and "false" are turned into booleans by the view that reads the form (form_flags)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


def form_flags(form, *names: str) -> dict:
    """The named flags of a multipart form: the words true/false as booleans, anything else as sent
    (so that Flag refuses it with the field's error)."""
    words = {"true": True, "false": False}
    return {name: words.get(form[name], form[name]) for name in names if name in form}


@text_like
class Phone(Text):
    """A phone number field: the schema carries the pattern validate_phone accepts."""


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "code", "kind", "parent", "is_active"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "full_name", "level", "parent"]


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")

    class Meta:
        model = User
        fields = ["id", "username", "name", "role"]


class MeSerializer(serializers.ModelSerializer):
    unit = UnitSerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "role_label", "unit"]


# --- issue 16 item 8: every text a ticket shows is read through hotline.privacy's lens -------
def viewer_of(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


def lens_for(serializer, ticket_id, load):
    """The viewer's lens on a ticket (hotline.privacy.ticket_as_seen_by), made once per ticket
    and response: the ticket's own fields make it, its nested lists reuse it. `load` gives the
    ticket when no field made it yet (an extension request listed on its own)."""
    lenses = serializer.context.setdefault("lenses", {})
    if ticket_id not in lenses:
        lenses[ticket_id] = ticket_as_seen_by(ticket=load(), user=viewer_of(serializer))
    return lenses[ticket_id]


def ticket_lens(serializer, ticket):
    return lens_for(serializer, ticket.pk, lambda: ticket)


CITIZEN_SCHEMA = inline_serializer("Citizen", {
    "name": serializers.CharField(), "phone": serializers.CharField(),
    "masked": serializers.BooleanField(help_text="为真时姓名和电话已脱敏"),
}, allow_null=True)


@extend_schema_field(CITIZEN_SCHEMA)
class CitizenField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, ticket: Ticket):
        return ticket_lens(self, ticket).citizen


CONFIDENTIAL_HELP = ("保密件（举报件，或登记时、其后由热线中心标为保密）：热线中心以外的人看不到市民的姓名、电话，"
                     "地址只到街道小区，标题、内容等文字已去除市民身份")


class TicketListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    ticket_type_label = serializers.CharField(source="get_ticket_type_display", read_only=True)
    category_name = serializers.CharField(source="category.full_name", default=None, read_only=True, allow_null=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", default=None, read_only=True, allow_null=True)
    light = serializers.SerializerMethodField()
    citizen = CitizenField()
    title = serializers.SerializerMethodField(help_text="标题（保密件对热线中心以外的人去除市民身份）")
    is_confidential = serializers.SerializerMethodField(help_text=CONFIDENTIAL_HELP)

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "title", "state", "state_label", "ticket_type", "ticket_type_label",
            "urgency", "channel", "category", "category_name", "lead_unit", "lead_unit_name",
            "area", "due_at", "light", "created_at", "citizen", "is_confidential",
        ]

    def get_light(self, ticket) -> str | None:
        return ticket_light(ticket, self.context.get("now") or timezone.now())

    def get_title(self, ticket) -> str:
        return ticket_lens(self, ticket).title

    def get_is_confidential(self, ticket) -> bool:
        return ticket_lens(self, ticket).confidential

    def to_representation(self, ticket):
        return representation.ticket_summary(ticket, lens=ticket_lens(self, ticket), **self.viewer())

    def viewer(self) -> dict:
        request = self.context.get("request")
        return {"user": request.user if request else None, "now": self.context.get("now") or timezone.now()}


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    # Issue 16 items 5 and 6: a co-unit's or sub-unit's own deadline and light; a sub part's parent.
    light = serializers.SerializerMethodField(
        help_text="本单位这部分的灯色（协办、下级承办按各自时限；主办为空，看工单的 light）")

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_name", "role", "state", "round", "is_current",
                  "assigned_at", "signed_at", "replied_at", "parent", "due_at", "warn_at", "light", "note",
                  "accepted_at", "review_note"]

    def get_light(self, assignment) -> str | None:
        return part_light(assignment, timezone.now())


class InstructionSerializer(serializers.ModelSerializer):
    leader = UserBriefSerializer(allow_null=True)  # a leader's account removed later
    text = serializers.SerializerMethodField()

    class Meta:
        model = Instruction
        fields = ["id", "leader", "text", "units", "created_at"]

    def get_text(self, instruction) -> str:
        return lens_for(self, instruction.ticket_id, lambda: instruction.ticket).text(instruction.text)


class ReplySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    text = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField(
        help_text="保密件对热线中心以外的人：文件名为“附件N”，url 为经权限检查的下载地址")

    class Meta:
        model = Reply
        fields = ["id", "unit", "unit_name", "text", "is_lead", "created_at", "attachments",
                  "review_state", "review_note", "reviewed_at"]

    def get_text(self, reply) -> str:
        return lens_for(self, reply.ticket_id, lambda: reply.ticket).text(reply.text, by_unit=True)

    def get_attachments(self, reply) -> list[dict]:
        lens = lens_for(self, reply.ticket_id, lambda: reply.ticket)
        return representation.attachments(reply, lens, representation.attachment_numbers(self.root.instance))


class SurveySerializer(serializers.ModelSerializer):
    comment = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", "method", "state", "result", "resolved", "comment", "created_at", "due_at", "answered_at"]

    def get_comment(self, survey) -> str:
        return lens_for(self, survey.ticket_id, lambda: survey.ticket).text(survey.comment)


class ExtensionSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    reason = serializers.SerializerMethodField()
    decision_note = serializers.SerializerMethodField()

    class Meta:
        model = ExtensionRequest
        fields = ["id", "ticket", "ticket_number", "reason", "extra_days", "state", "old_due_at",
                  "new_due_at", "decision_note", "created_at", "decided_at"]

    def lens(self, extension):
        return lens_for(self, extension.ticket_id, lambda: extension.ticket)

    def get_reason(self, extension) -> str:
        return self.lens(extension).text(extension.reason, by_unit=True)

    def get_decision_note(self, extension) -> str:
        return self.lens(extension).text(extension.decision_note)

    def to_representation(self, extension):
        return representation.extension(extension, self.lens(extension))


class SuspensionSerializer(serializers.ModelSerializer):
    """挂起 (issue 16, item 4): a request, its decision, and once resumed what the deadline moved by."""

    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    reason_label = serializers.CharField(source="get_reason_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Suspension
        fields = ["id", "ticket", "ticket_number", "unit", "unit_name", "reason_kind", "reason_label", "reason",
                  "expected_days", "state", "state_label", "created_at", "decided_at", "decision_note",
                  "suspended_at", "resume_by", "resumed_at", "resumed_how", "paused_seconds", "old_due_at",
                  "new_due_at"]

    def to_representation(self, suspension):
        return representation.suspension(suspension)
class TicketReturnSerializer(serializers.ModelSerializer):
    """A lead unit's return request (退单) and the centre's decision; `decision_note` is the refusal's
    reason, shown to the unit."""

    unit_name = serializers.CharField(source="unit.name")
    reason_label = serializers.CharField(source="get_reason_code_display", help_text="退单原因（中文）")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = TicketReturn
        fields = ["id", "unit", "unit_name", "state", "state_label", "reason_code", "reason_label", "reason",
                  "created_at", "review_due_at", "decided_at", "decision_note"]


class TicketDetailSerializer(TicketListSerializer):
    leader = UserBriefSerializer(read_only=True, allow_null=True)
    merged_into_number = serializers.CharField(source="merged_into.number", default=None, read_only=True,
                                               allow_null=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    instructions = InstructionSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    surveys = SurveySerializer(many=True, read_only=True)
    extension_requests = ExtensionSerializer(many=True, read_only=True)
    returns = TicketReturnSerializer(many=True, read_only=True, help_text="退单申请，先提出的在前")
    suspensions = SuspensionSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField(help_text="事发地点（保密件对热线中心以外的人只到街道小区）")
    direct_answer = serializers.SerializerMethodField()

    class Meta(TicketListSerializer.Meta):
        fields = TicketListSerializer.Meta.fields + [
            "content", "address", "leader", "dispatched_at", "sign_due_at", "warn_at", "signed_at",
            "replied_at", "callback_due_at", "closed_at", "closed_on_time", "closed_by_hotline",
            "direct_answer", "merged_into_number", "reopen_count", "call_id", "version", "assignments",
            "instructions", "replies", "surveys", "extension_requests", "returns", "suspensions", "actions",
        ]

    def get_actions(self, ticket) -> list[str]:
        return ticket_actions_for(self.context["request"].user, ticket)

    def get_content(self, ticket) -> str:
        return ticket_lens(self, ticket).content

    def get_address(self, ticket) -> str:
        return ticket_lens(self, ticket).address

    def get_direct_answer(self, ticket) -> str:
        return ticket_lens(self, ticket).text(ticket.direct_answer)

    def to_representation(self, ticket):
        return representation.ticket_detail(ticket, lens=ticket_lens(self, ticket), **self.viewer())


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField(help_text="事件类型的中文名称")

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "kind_label", "actor", "actor_label", "from_state", "to_state", "payload",
                  "created_at"]

    def get_kind_label(self, event) -> str:
        return event_label(event.kind)

    def to_representation(self, event):
        data = super().to_representation(event)
        lens = lens_for(self, event.ticket_id, lambda: event.ticket)  # issue 16 item 8
        data["payload"] = lens.payload(event.payload, kind=event.kind)
        return data


# --- inputs -------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    username = Text(max_length=150)
    password = Text(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = Text(max_length=8, required=False, allow_blank=True, default="",
               help_text="动态验证码：已启用双因素认证的账号必填")


class TicketCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(Channel.choices, default=Channel.PHONE)
    ticket_type = serializers.ChoiceField(TicketType.choices)
    urgency = serializers.ChoiceField(Urgency.choices, default=Urgency.NORMAL)
    title = Text(max_length=200, required=False, allow_blank=True, default="")
    content = Text(max_length=TEXT_MAX)
    citizen_phone = Phone(max_length=30, required=False, allow_blank=True, default="")
    citizen_name = Text(max_length=50, required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    address = Text(max_length=200, required=False, allow_blank=True, default="")
    area = Text(max_length=50, required=False, allow_blank=True, default="")
    call_id = Text(max_length=64, required=False, allow_blank=True, default="")
    is_confidential = Flag(required=False, default=False,
                           help_text="保密件：来电人要求保密时为 true（举报件总是保密件）。"
                                     "热线中心以外的人看不到市民的姓名、电话和详细地址")


class CitizenIdentitySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="市民姓名")
    phone = serializers.CharField(help_text="完整电话")
    id_number = serializers.CharField(help_text="身份证号（未登记为空）")


class TextSerializer(serializers.Serializer):
    text = Text(max_length=TEXT_MAX)


class AnswerSerializer(serializers.Serializer):
    answer = Text(max_length=TEXT_MAX)


class NoteSerializer(serializers.Serializer):
    note = Text(max_length=1000, required=False, allow_blank=True, default="")


class UrgeSerializer(NoteSerializer):
    repeat = Flag(
        required=False, default=False,
        help_text="再次催办：该工单在 URGE_REPEAT_MINUTES（默认 30）分钟内已催办过时，须为 true 才会再催办一次；"
                  "否则答复 409（code 为 recently_urged），不发催办")


class RequiredNoteSerializer(serializers.Serializer):
    note = Text(max_length=1000)


class ReasonSerializer(serializers.Serializer):
    reason = Text(max_length=1000)


class ReturnRequestSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(TicketReturn.Reason.choices, help_text="退单原因")
    reason = Text(max_length=1000, help_text="退单理由（必填）：为什么不属于本单位办理，建议由哪个单位办理")


class ReturnAcceptSerializer(NoteSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True,
        help_text="同时重新派给的主办单位（可选）；不填则工单退回热线办待派单")
    co_units = serializers.ListField(child=serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all()),
                                     required=False, default=list,
                                     help_text="重新派单的协办单位（须同时给出 lead_unit）")
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True,
        help_text="重新派单时更正诉求分类（可选）")


class ReturnRefuseSerializer(serializers.Serializer):
    reason = Text(max_length=1000, help_text="驳回理由（必填），承办单位在工单页看到")


class ReassignSerializer(serializers.Serializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), help_text="改派给的主办单位")
    co_units = serializers.ListField(child=serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all()),
                                     required=False, default=list)
    reason = Text(max_length=1000, help_text="改派理由（必填）")
class ReviewApproveSerializer(NoteSerializer):
    """办结审核通过: an optional note (审核意见) on the record."""


class ReviewSendBackSerializer(serializers.Serializer):
    reason = Text(max_length=1000, help_text=(
        "退回理由（必填）：答复哪里不完整或口径不对、需要补充什么；承办单位在工单页和待办中看到，单位负责人收到短信"))


class LeaderReturnSerializer(serializers.Serializer):
    reason = Text(max_length=1000, help_text="退回理由（必填），值班长在值班台和工单页看到")


class InvalidReasonSerializer(serializers.Serializer):
    reason = Text(max_length=500)  # dispatch.services.merging.ticket_mark_invalid


class SubmitSerializer(NoteSerializer):
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.LEADER, is_active=True), required=False, allow_null=True
    )


class InstructSerializer(serializers.Serializer):
    text = Text(max_length=2000)
    units = serializers.ListField(child=serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all()),
                                  required=False, default=list)  # a list, not any iterable (an object is refused)


class DispatchSerializer(NoteSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    co_units = serializers.ListField(child=serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all()),
                                     required=False, default=list)
    # A ticket is dispatched only with a category: required when the ticket has none, else it corrects it.
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True,
        help_text="诉求分类（工单未分类时必填；已分类时可借派单更正）")


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class Attachment(serializers.FileField):
    """A file of at least one byte (an empty one is refused)."""


CONFIRM_ABSENT_HELP = (
    "主办单位回复时，若有协办单位尚未签收或答复，须传 true 确认不再等待（回复事件中记录这些协办单位）；"
    "否则返回 409，code 为 co_units_unanswered，message 列出这些单位。协办单位回复时忽略此项。"
)


# Issue 16 item 5 (二级派单).
CONFIRM_SUB_HELP = (
    "本单位已转下级办理、下级的部分尚未审核完毕（未签收、办理中或已回复待审核）时，"
    "须传 true 确认结束下级办理后直接回复；"
    "否则返回 409，code 为 sub_parts_open。"
)


REPLY_TEXT_HELP = (
    "办理结果（协办单位为协办意见）：写明办理过程、结果和依据。不计空格和标点少于 REPLY_MIN_LENGTH（默认 15）个字，"
    "或只有“已处理”“已办结”之类套话的，返回 400（field 为 text），不保存。"
)


class ReplySerializerIn(serializers.Serializer):
    text = ReplyText(max_length=TEXT_MAX, help_text=REPLY_TEXT_HELP)
    files = serializers.ListField(child=Attachment(), required=False, default=list)
    confirm_absent_co_units = Flag(required=False, default=False, help_text=CONFIRM_ABSENT_HELP)
    confirm_open_sub_parts = Flag(required=False, default=False, help_text=CONFIRM_SUB_HELP)


class ReplyTextSerializer(serializers.Serializer):
    """A reply sent as JSON: text only (files come as multipart/form-data)."""

    text = ReplyText(max_length=TEXT_MAX, help_text=REPLY_TEXT_HELP)
    confirm_absent_co_units = Flag(required=False, default=False, help_text=CONFIRM_ABSENT_HELP)
    confirm_open_sub_parts = Flag(required=False, default=False, help_text=CONFIRM_SUB_HELP)


# --- issue 16 item 5: two-level dispatch (二级派单) ---

class HandDownSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), help_text="本单位的下级单位（启用中）")
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="下级办理时限，不能晚于本单位的办理时限（否则 400，field 为 due_at）；不传则按默认规则（本单位时限前"
                  " SUB_UNIT_LEAD_TIME_WORKING_DAYS 个工作日）")
    note = Text(max_length=1000, required=False, allow_blank=True, default="", help_text="转办说明")


class HandDownReviewSerializer(serializers.Serializer):
    part = serializers.IntegerField(help_text="下级承办记录（assignments 中 role 为 sub 的 id）")
    accept = Flag(help_text="true：审核通过（本单位随后自行向上回复）；false：退回下级重办，须写 reason")
    reason = Text(max_length=1000, required=False, allow_blank=True, default="",
                  help_text="退回理由（退回时必填）或审核意见")


class HandDownWithdrawSerializer(serializers.Serializer):
    part = serializers.IntegerField(help_text="下级承办记录的 id")
    reason = Text(max_length=1000, required=False, allow_blank=True, default="", help_text="收回理由")

# --- end issue 16 item 5 ---


class ExtensionRequestSerializer(serializers.Serializer):
    reason = Text(max_length=1000)
    extra_days = serializers.IntegerField(min_value=1, max_value=30)


class ExtensionDecideSerializer(NoteSerializer):
    approve = Flag()


# 挂起 (issue 16, item 4)
class SuspensionRequestSerializer(serializers.Serializer):
    reason_kind = serializers.ChoiceField(Suspension.Reason.choices, help_text="挂起原因")
    reason = Text(max_length=1000, help_text="挂起说明：等待什么、为何不能继续办理")
    expected_days = serializers.IntegerField(
        min_value=1, max_value=settings.HOTLINE_SUSPENSION_MAX_WORKING_DAYS,
        help_text="预计挂起的工作日数，1 至 SUSPENSION_MAX_WORKING_DAYS（默认 10）；期满由系统自动恢复办理")


class SuspensionDecideSerializer(NoteSerializer):
    approve = Flag(help_text="true 同意挂起（工单停止计时），false 驳回")


class CallbackSerializer(serializers.Serializer):
    result = serializers.ChoiceField(Survey.Result.choices)
    resolved = Flag(required=False, allow_null=True, default=None)
    comment = Text(max_length=1000, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(Survey.Method.choices, default=Survey.Method.PHONE)


class MergeSerializer(serializers.Serializer):
    into = Text(max_length=32, help_text="目标工单的编号或 id")
    reason = Text(max_length=500, required=False, allow_blank=True, default="")


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="疑似重复工单的 id")
    number = serializers.CharField()
    title = serializers.CharField()
    state_label = serializers.CharField(help_text="其状态（中文）")
    unit = serializers.CharField(help_text="其主办单位，未派单为空")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="同一来电人、地址相近、内容相似")
    score = serializers.FloatField(help_text="相似度 0–1")
    older = serializers.BooleanField(help_text="true：它登记在先，本单可并入它；false：它可并入本单")
    suggestion_id = serializers.IntegerField(allow_null=True, help_text="登记后自动比对留下的记录；null 为本次比对所得")


class DismissDuplicateSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(help_text="认定不是重复的那张工单的 id")


STATE_CHOICES = TicketState.choices
