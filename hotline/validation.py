"""Checks of what people type, with a Chinese message naming the field (hotline.errors.InvalidInput).
Every app's services use them; they live in the ticket core so that imports run one way."""
import re

from django.core.exceptions import ValidationError

from .errors import InvalidInput
from .models.people import phone_validator

MAX_ID = 2**63 - 1  # bigint: a larger id (in a URL, a filter) names nothing


def normalize_phone(raw: str) -> str:
    """Strip spaces, dashes in mobiles, and the +86 / 0086 prefix."""
    phone = re.sub(r"[\s()]", "", raw or "")
    phone = re.sub(r"^(\+86|0086)", "", phone)
    if re.fullmatch(r"1[\d-]{10,12}", phone):
        phone = phone.replace("-", "")
    return phone


def validate_phone(raw: str) -> str:
    phone = normalize_phone(raw)
    try:
        phone_validator(phone)
    except ValidationError:
        raise InvalidInput(f"电话号码「{raw}」无效，请输入手机号或带区号的固定电话", field="citizen_phone") from None
    return phone


def validate_id_number(raw: str) -> str:
    """An optional 居民身份证号码: '' or 18 characters whose check digit is right (GB 11643).
    The message does not repeat the number: it may be logged or shown beside the form."""
    from .pii import id_number_valid, normalize_id_number

    value = normalize_id_number(raw)
    if value and not id_number_valid(value):
        raise InvalidInput("身份证号码无效：须为18位，末位校验码须正确", field="citizen_id_number")
    return value


def validate_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{label}不能为空", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"{label}不能超过{max_length}个字（当前{len(value)}个字）", field=field)
    return value


def validate_choice(value: str, choices, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise InvalidInput(f"{label}「{value}」无效，可选：{'、'.join(choices.values)}", field=field)
    return value
