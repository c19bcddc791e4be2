"""The one way to write the audit trail."""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ops.client import client_ip as ops_client_ip

from .models import AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as every rate limit reads it (ops.client), None when unknown."""
    if request is None:
        return None
    address = ops_client_ip(request)
    return None if address == "unknown" else address


def audit_record(
    *,
    action: AuditAction | str,
    actor=None,
    request: HttpRequest | None = None,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    succeeded: bool = True,
    detail: dict | None = None,
    actor_label: str = "",
    using: str = "default",
) -> AuditEvent:
    """Write one audit row in the caller's transaction (a change and its record commit or
    roll back together). `target` may be a model instance; its type, key and str() are kept.
    `actor_label` names who tried when there is no account (a failed login's username).
    `using`: the database alias (the archive writes its own row through its maintenance connection)."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or target.pk
        target_label = target_label or str(target)
    from ops.context import current as current_request_id

    if actor is not None and getattr(actor, "is_superuser", False):
        # The superuser is for bootstrap only (三员分立): whatever it does stands out in the trail.
        detail = {**(detail or {}), "superuser": True}

    return AuditEvent.objects.using(using).create(
        action=action,
        actor=actor,
        actor_label=(actor_label or (actor.get_username() if actor is not None else ""))[:150],
        actor_role=(getattr(actor, "role", "") or "")[:20] if actor is not None else "",
        target_type=target_type[:40],
        target_id=str(target_id)[:64],
        target_label=target_label[:200],
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200],
        request_id=(current_request_id() or "")[:64],
        succeeded=succeeded,
        detail=detail or {},
    )


def audit_file(
    *,
    action: AuditAction | str,
    request: HttpRequest,
    file_name: str,
    rows: int | None = None,
    target: Any = None,
    detail: dict | None = None,
) -> AuditEvent:
    """An export (AuditAction.EXPORTED) or a download (DOWNLOADED) as the view hands the file
    over: the file's name, the query that chose its rows (the filter), and how many rows."""
    what = {"file": file_name, "path": request.path,
            "params": {k: v if len(v) > 1 else v[0] for k, v in request.GET.lists()}}
    if rows is not None:
        what["rows"] = rows
    return audit_record(action=action, request=request, target=target, detail={**what, **(detail or {})})
