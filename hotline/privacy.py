"""Masking citizens' personal data for people and pages that must not see it."""
import re

PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****"


def mask_name(name: str) -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某 (two-character surnames kept whole)."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if len(name) >= 4 else name[:1]
    return f"{surname}某"
