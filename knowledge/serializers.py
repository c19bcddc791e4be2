"""The knowledge API's bodies and answers (they are its OpenAPI schema)."""
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from hotline.models import Category, Unit
from hotline.rest.schema import OPTIONAL_TEXT, REQUIRED_TEXT

from .models import KnowledgePoint, KnowledgePointVersion
from .services import points as point_services


class Text(serializers.CharField):
    """Text only (not a number turned into text), its pattern in the schema (see the extension)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            raise serializers.ValidationError("不能含有 NUL 字符")
        return super().to_internal_value(data)


class TextExtension(OpenApiSerializerFieldExtension):
    target_class = "knowledge.serializers.Text"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = OPTIONAL_TEXT if self.target.allow_blank else REQUIRED_TEXT
        return schema


class Link(Text):
    """An http(s) address (or nothing), its pattern in the schema."""


class LinkExtension(OpenApiSerializerFieldExtension):
    target_class = "knowledge.serializers.Link"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        # The blank link is drf-spectacular's oneOf branch (maxLength 0): "" must not match this one too.
        schema["pattern"] = point_services.LINK_PATTERN
        return schema


class Flag(serializers.BooleanField):
    """JSON true or false only (DRF's BooleanField also takes 1, "yes"…, which the schema does not)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


def optional(max_length: int, **extra):
    return Text(max_length=max_length, required=False, allow_blank=True, default="", **extra)


class PointWriteSerializer(serializers.Serializer):
    title = Text(max_length=point_services.TITLE_MAX)
    answer = Text(max_length=point_services.ANSWER_MAX, help_text="答复口径")
    questions = optional(point_services.QUESTIONS_MAX, help_text="常见问法，每行一个")
    sms_answer = optional(point_services.SMS_MAX)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True,
                                                  default=None)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True,
                                              default=None, help_text="责任单位；单位账号只能是本单位（可省略）")
    source_title = optional(200)
    source_number = optional(100)
    source_url = Link(max_length=500, required=False, allow_blank=True, default="", help_text="http(s) 地址")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    audience = serializers.ChoiceField(choices=KnowledgePoint.Audience.choices,
                                       default=KnowledgePoint.Audience.INTERNAL)
    note = optional(point_services.NOTE_MAX, help_text="修改说明（记入版本历史）")
    submit = Flag(required=False, default=False, help_text="新建时直接提交审核")


class PointNoteSerializer(serializers.Serializer):
    note = optional(point_services.NOTE_MAX)


class SendBackSerializer(serializers.Serializer):
    note = Text(max_length=point_services.NOTE_MAX, help_text="退回意见")


class PointSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.full_name", allow_null=True, default=None)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    state_display = serializers.CharField(source="get_state_display")
    # Plain text in the answer: what the service took (http(s), no spaces), not the schema's "uri".
    source_url = serializers.CharField()
    has_revision = serializers.SerializerMethodField(help_text="已发布知识点有待审核的修改")

    class Meta:
        model = KnowledgePoint
        fields = ["id", "title", "questions", "answer", "sms_answer", "category", "category_name", "unit",
                  "unit_name", "source_title", "source_number", "source_url", "valid_from", "valid_to",
                  "audience", "state", "state_display", "version", "review_note", "has_revision", "revision",
                  "created_at", "updated_at", "published_at"]

    def get_has_revision(self, point) -> bool:
        return point.revision is not None


class PointListSerializer(PointSerializer):
    class Meta(PointSerializer.Meta):
        fields = ["id", "title", "category", "category_name", "unit", "unit_name", "valid_from", "valid_to",
                  "audience", "state", "state_display", "version", "has_revision", "updated_at"]


class VersionSerializer(serializers.ModelSerializer):
    changed_by_name = serializers.CharField(source="changed_by.__str__")

    class Meta:
        model = KnowledgePointVersion
        fields = ["version", "state", "action", "note", "snapshot", "changed_by", "changed_by_name", "changed_at"]


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="point.id")
    title = serializers.CharField(source="point.title")
    score = serializers.FloatField()
    title_html = serializers.CharField(help_text="标题，HTML 转义，命中词以 <mark> 标出")
    snippet_html = serializers.CharField(help_text="答复口径片段，同上")
    question_html = serializers.CharField(help_text="最接近的常见问法，同上（没有则为空）")
    answer = serializers.CharField(source="point.answer")
    audience = serializers.CharField(source="point.audience")
    category_name = serializers.CharField(source="point.category.full_name", allow_null=True, default=None)
