"""Request bodies read by a serializer's own rules, without building the serializer.

A DRF Serializer deep-copies its declared fields every time one is made: on the ticket
registration path that was a sixth of the server's CPU. `parse` reads a flat body (strings,
ids, null) by rules taken once from the serializer's declared fields. Whatever those rules
do not accept outright (a missing or blank required field, a value too long, a wrong type,
an unknown choice or id, a field kind they do not cover) goes through the serializer
itself, so a client's errors are exactly the serializer's and no input is accepted here
that the serializer would refuse.
"""
from functools import cache

from django.core import validators as django_validators
from rest_framework import serializers
from rest_framework.fields import ProhibitSurrogateCharactersValidator, empty

_SKIP = object()  # a field that is absent from the result, as in validated_data
_REFUSE = object()  # not for the fast path: let the serializer decide


class _Rule:
    def __init__(self, name: str, field: serializers.Field):
        self.name = name
        self.required = field.required
        self.default = field.default
        self.allow_null = field.allow_null

    def missing(self):
        if self.required:
            return _REFUSE
        return _SKIP if self.default is empty else self.default

    def read(self, value):
        if value is None:
            return None if self.allow_null else _REFUSE
        return self.convert(value)

    def convert(self, value):
        raise NotImplementedError


class _TextRule(_Rule):
    def __init__(self, name, field):
        super().__init__(name, field)
        self.allow_blank = field.allow_blank
        self.trim = field.trim_whitespace
        self.max_length = field.max_length
        self.min_length = field.min_length

    def convert(self, value):
        if type(value) is not str or "\x00" in value:
            return _REFUSE
        try:
            value.encode("utf-8")  # lone surrogates: the serializer names the problem
        except UnicodeEncodeError:
            return _REFUSE
        text = value.strip() if self.trim else value
        if not text:
            return "" if self.allow_blank else _REFUSE
        if (self.max_length is not None and len(text) > self.max_length) or (
                self.min_length is not None and len(text) < self.min_length):
            return _REFUSE
        return text


class _ChoiceRule(_Rule):
    def __init__(self, name, field):
        super().__init__(name, field)
        self.allow_blank = field.allow_blank
        self.values = dict(field.choice_strings_to_values)

    def convert(self, value):
        if type(value) is not str:
            return _REFUSE
        if value == "" and self.allow_blank:
            return ""
        return self.values.get(value, _REFUSE)


class _PrimaryKeyRule(_Rule):
    def __init__(self, name, field):
        super().__init__(name, field)
        self.queryset = field.queryset

    def convert(self, value):
        if type(value) is not int:
            return _REFUSE
        found = self.queryset.filter(pk=value).first()
        return _REFUSE if found is None else found


# The validators DRF adds to a CharField by itself; _TextRule checks each.
_TEXT_VALIDATORS = (django_validators.MaxLengthValidator, django_validators.MinLengthValidator,
                    django_validators.ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)

_RULES = {
    serializers.CharField: _TextRule,
    serializers.ChoiceField: _ChoiceRule,
    serializers.PrimaryKeyRelatedField: _PrimaryKeyRule,
}


class _FlagRule(_Rule):
    """A JSON true or false, nothing else (api.serializers.Flag)."""

    def convert(self, value):
        return value if type(value) is bool else _REFUSE


def flag_like(field_class: type) -> type:
    """Declare a BooleanField subclass that takes exactly JSON true and false, so that a body with
    it keeps the fast path (the registration's 保密件 flag, issue 16 item 8)."""
    _RULES[field_class] = _FlagRule
    return field_class


def text_like(field_class: type) -> type:
    """Declare a CharField subclass that converts exactly as CharField does (it only documents
    more, e.g. a pattern in the schema), so that it keeps the fast path."""
    _RULES[field_class] = _TextRule
    return field_class


def _rule_for(name: str, field: serializers.Field) -> _Rule | None:
    """Only the exact field classes above, with no validators or defaults computed per call
    (a subclass may convert differently: it goes to the serializer, unless text_like says)."""
    if field.read_only or field.source != name or (
            field.default is not empty and callable(field.default)):
        return None
    if any(type(validator) not in _TEXT_VALIDATORS for validator in field.validators):
        return None
    if getattr(field, "pk_field", None) is not None:
        return None
    rule_class = _RULES.get(type(field))
    return rule_class(name, field) if rule_class else None


@cache
def _rules(serializer_class) -> tuple[_Rule, ...] | None:
    """The flat rules of `serializer_class`, or None when it has a field they do not cover
    or validation methods of its own."""
    own_checks = [name for name in dir(serializer_class)
                  if name.startswith("validate_") and not hasattr(serializers.Serializer, name)]
    if own_checks or serializer_class.validate is not serializers.Serializer.validate:
        return None
    rules = []
    for name, field in serializer_class().fields.items():
        rule = _rule_for(name, field)
        if rule is None:
            return None
        rules.append(rule)
    return tuple(rules)


def read_flat(serializer_class, data) -> dict | None:
    """`data` as the serializer's validated_data, or None when the serializer must judge it."""
    rules = _rules(serializer_class)
    if rules is None or type(data) is not dict:
        return None
    result = {}
    for rule in rules:
        raw = data.get(rule.name, empty)
        value = rule.missing() if raw is empty else rule.read(raw)
        if value is _REFUSE:
            return None
        if value is not _SKIP:
            result[rule.name] = value
    return result


def parse(serializer_class, data) -> dict:
    """The validated data of `data` by `serializer_class`; a ValidationError when it is invalid."""
    fast = read_flat(serializer_class, data)
    if fast is not None:
        return fast
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
