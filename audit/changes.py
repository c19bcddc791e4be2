"""A change as the audit trail keeps it: the fields that changed, before and after, short.

Used by the admin's save and delete hooks (audit.admin_mixins.AuditedAdmin) and by services
that edit configuration or accounts. Secrets are never written (only that they changed);
phone numbers are masked; long texts are cut."""
from __future__ import annotations

import hashlib
from typing import Any

SECRET = "（已修改，不记录内容）"
# A secret is compared by a digest kept only in memory; the trail gets SECRET (change_detail).
_DIGEST = "\0secret:"
MAX_TEXT = 200
# Never written to the trail whatever the model: credentials.
ALWAYS_SECRET = frozenset({"password", "auth_token", "key", "secret"})


def short(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _masked_phone(value: Any) -> str:
    text = str(value or "")
    return f"{text[:3]}****{text[-4:]}" if len(text) >= 7 else ("****" if text else "")


def field_values(obj, *, secret: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> dict:
    """The row's concrete fields as short, JSON-safe values: a relation by its name (str), a
    secret as a marker, a phone masked."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.primary_key:
            continue
        if field.is_relation:
            related = getattr(obj, field.name, None)
            values[field.name] = short(related) if related is not None else None
            continue
        value = getattr(obj, field.attname)
        if field.name in secret or field.name in ALWAYS_SECRET:
            values[field.name] = _DIGEST + hashlib.sha256(str(value).encode()).hexdigest() if value else ""
        elif "phone" in field.name:
            values[field.name] = _masked_phone(value)
        elif hasattr(value, "isoformat"):
            values[field.name] = value.isoformat()
        else:
            values[field.name] = short(value)
    return values


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed: ({field: old}, {field: new}). A secret that changed shows as changed."""
    names = [name for name in after if before.get(name) != after.get(name)]
    names += [name for name in before if name not in after]
    return ({n: before.get(n) for n in names if n in before}, {n: after.get(n) for n in names if n in after})


def _written(values: dict) -> dict:
    return {k: SECRET if isinstance(v, str) and v.startswith(_DIGEST) else v for k, v in values.items()}


def change_detail(*, op: str, before: dict, after: dict, **extra) -> dict:
    """The audit row's detail: {"op", "before", "after"} holding the changed fields only
    (every field of a created or deleted row)."""
    old, new = diff(before, after)
    return {"op": op, "before": _written(old), "after": _written(new), **extra}
