"""Sign-ins, sign-outs and failed attempts on every path (/login/, /admin/login/, the API token),
taken from Django's own signals so a new login path is recorded without touching this app."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import AuditAction
from .services import audit_record


def _path(request) -> dict:
    return {"path": request.path} if request is not None else {}


def on_logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, request=request, detail=_path(request))


def on_logged_out(sender, request, user, **kwargs):
    # user is None when the session had already lost its user (nothing to attribute).
    audit_record(action=AuditAction.LOGOUT, actor=user, request=request, detail=_path(request),
                 actor_label="" if user is not None else "（未登录会话）")


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; keep only the username anyway.
    username = str(credentials.get("username") or "")
    audit_record(action=AuditAction.LOGIN_FAILED, request=request, succeeded=False,
                 actor_label=username or "（未填用户名）", detail=_path(request))


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
