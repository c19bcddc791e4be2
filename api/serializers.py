"""API shapes. Input serializers only parse; the services decide."""
from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from dispatch.deadlines import ticket_light
from dispatch.models import Assignment, ExtensionRequest, Instruction, Reply, Survey
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
from hotline.privacy import citizen_as_seen_by
from hotline.rest.parsing import text_like

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
        user = self.context["request"].user if "request" in self.context else None
        return citizen_as_seen_by(user, ticket.citizen)


class TicketListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    ticket_type_label = serializers.CharField(source="get_ticket_type_display", read_only=True)
    category_name = serializers.CharField(source="category.full_name", default=None, read_only=True, allow_null=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", default=None, read_only=True, allow_null=True)
    light = serializers.SerializerMethodField()
    citizen = CitizenField()

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "title", "state", "state_label", "ticket_type", "ticket_type_label",
            "urgency", "channel", "category", "category_name", "lead_unit", "lead_unit_name",
            "area", "due_at", "light", "created_at", "citizen",
        ]

    def get_light(self, ticket) -> str | None:
        return ticket_light(ticket, self.context.get("now") or timezone.now())

    def to_representation(self, ticket):
        return representation.ticket_summary(ticket, **self.viewer())

    def viewer(self) -> dict:
        request = self.context.get("request")
        return {"user": request.user if request else None, "now": self.context.get("now") or timezone.now()}


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_name", "role", "state", "round", "is_current",
                  "assigned_at", "signed_at", "replied_at"]


class InstructionSerializer(serializers.ModelSerializer):
    leader = UserBriefSerializer(allow_null=True)  # a leader's account removed later

    class Meta:
        model = Instruction
        fields = ["id", "leader", "text", "units", "created_at"]


class ReplySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "unit", "unit_name", "text", "is_lead", "created_at", "attachments",
                  "review_state", "review_note", "reviewed_at"]

    def get_attachments(self, reply) -> list[dict]:
        return [{"id": a.pk, "name": a.name, "size": a.size, "url": a.file.url} for a in reply.attachments.all()]


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["id", "method", "state", "result", "resolved", "comment", "created_at", "due_at", "answered_at"]


class ExtensionSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = ["id", "ticket", "ticket_number", "reason", "extra_days", "state", "old_due_at",
                  "new_due_at", "decision_note", "created_at", "decided_at"]

    def to_representation(self, extension):
        return representation.extension(extension)


class TicketDetailSerializer(TicketListSerializer):
    leader = UserBriefSerializer(read_only=True, allow_null=True)
    merged_into_number = serializers.CharField(source="merged_into.number", default=None, read_only=True,
                                               allow_null=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    instructions = InstructionSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    surveys = SurveySerializer(many=True, read_only=True)
    extension_requests = ExtensionSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(TicketListSerializer.Meta):
        fields = TicketListSerializer.Meta.fields + [
            "content", "address", "leader", "dispatched_at", "sign_due_at", "warn_at", "signed_at",
            "replied_at", "callback_due_at", "closed_at", "closed_on_time", "closed_by_hotline",
            "direct_answer", "merged_into_number", "reopen_count", "call_id", "version", "assignments",
            "instructions", "replies", "surveys", "extension_requests", "actions",
        ]

    def get_actions(self, ticket) -> list[str]:
        return ticket_actions_for(self.context["request"].user, ticket)

    def to_representation(self, ticket):
        return representation.ticket_detail(ticket, **self.viewer())


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField(help_text="事件类型的中文名称")

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "kind_label", "actor", "actor_label", "from_state", "to_state", "payload",
                  "created_at"]

    def get_kind_label(self, event) -> str:
        return event_label(event.kind)


# --- inputs -------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    username = Text(max_length=150)
    password = Text(max_length=128, trim_whitespace=False, style={"input_type": "password"})


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


REPLY_TEXT_HELP = (
    "办理结果（协办单位为协办意见）：写明办理过程、结果和依据。不计空格和标点少于 REPLY_MIN_LENGTH（默认 15）个字，"
    "或只有“已处理”“已办结”之类套话的，返回 400（field 为 text），不保存。"
)


class ReplySerializerIn(serializers.Serializer):
    text = Text(max_length=TEXT_MAX, help_text=REPLY_TEXT_HELP)
    files = serializers.ListField(child=Attachment(), required=False, default=list)
    confirm_absent_co_units = Flag(required=False, default=False, help_text=CONFIRM_ABSENT_HELP)


class ReplyTextSerializer(serializers.Serializer):
    """A reply sent as JSON: text only (files come as multipart/form-data)."""

    text = Text(max_length=TEXT_MAX, help_text=REPLY_TEXT_HELP)
    confirm_absent_co_units = Flag(required=False, default=False, help_text=CONFIRM_ABSENT_HELP)


class ExtensionRequestSerializer(serializers.Serializer):
    reason = Text(max_length=1000)
    extra_days = serializers.IntegerField(min_value=1, max_value=30)


class ExtensionDecideSerializer(NoteSerializer):
    approve = Flag()


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
