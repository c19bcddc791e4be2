"""drf-spectacular extensions: the patterns of api.serializers.Text and Phone in the schema."""
from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from hotline.rest.schema import OPTIONAL_PHONE, OPTIONAL_TEXT, PHONE, REQUIRED_TEXT, reply_text_pattern


class _Patterned(OpenApiSerializerFieldExtension):
    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = self.pattern(self.target)
        return schema


class TextExtension(_Patterned):
    target_class = "api.serializers.Text"

    @staticmethod
    def pattern(field) -> str:
        return OPTIONAL_TEXT if field.allow_blank else REQUIRED_TEXT


class ReplyTextExtension(_Patterned):
    target_class = "api.serializers.ReplyText"
    priority = 1  # over TextExtension, which matches it too (a subclass)

    @staticmethod
    def pattern(field) -> str:
        return reply_text_pattern(settings.HOTLINE_REPLY_MIN_LENGTH)


class PhoneExtension(_Patterned):
    target_class = "api.serializers.Phone"

    @staticmethod
    def pattern(field) -> str:
        return OPTIONAL_PHONE if field.allow_blank else PHONE
