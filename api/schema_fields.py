"""drf-spectacular extensions: the patterns of api.serializers.Text and Phone in the schema."""
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from hotline.rest.schema import OPTIONAL_PHONE, OPTIONAL_TEXT, PHONE, REQUIRED_TEXT


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


class PhoneExtension(_Patterned):
    target_class = "api.serializers.Phone"

    @staticmethod
    def pattern(field) -> str:
        return OPTIONAL_PHONE if field.allow_blank else PHONE
