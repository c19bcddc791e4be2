"""Ends expired sessions (accounts.sessions) and holds a user with an expired password on the
change-password page."""
import time
from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect

from audit.models import AuditAction
from audit.services import audit_record

from . import sessions

PASSWORD_PAGE = "/account/password/"
# Open with an expired password: changing it, leaving, and what those pages load.
PASSWORD_EXEMPT = (PASSWORD_PAGE, "/logout/", "/login/", "/static/", "/favicon", "/admin/logout/")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return self.get_response(request)  # no session login (token API calls, anonymous)
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        reason = sessions.expiry_reason(session=session, user=user, now=now)
        if reason is not None:
            return self.expired(request, user, reason)
        if not sessions.is_background(request):
            sessions.touch(session=session, now=now)
        if session.get(sessions.PASSWORD_EXPIRED) and not request.path.startswith(PASSWORD_EXEMPT):
            if request.path.startswith("/api/"):
                from hotline.rest.errors import error_body

                return JsonResponse(error_body("password_expired", "密码已过期，请先修改密码"), status=403,
                                    json_dumps_params={"ensure_ascii": False})
            return redirect(f"{PASSWORD_PAGE}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def expired(self, request, user, reason: str):
        audit_record(action=AuditAction.SESSION_EXPIRED, actor=user, request=request, target=user,
                     detail={"reason": reason})
        # Not logout(): that would record a LOGOUT the user never did.
        request.session.flush()
        request.user = AnonymousUser()
        if request.path.startswith("/api/"):
            return self.get_response(request)  # answered as any unauthenticated call (401)
        login = f"/login/?{urlencode({'expired': reason, 'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": login})
        return redirect(login)
