"""Session lifetimes (idle and absolute) and the forced password change, kept in the session.

Staff sessions end after SESSION_IDLE_MINUTES without activity and SESSION_MAX_HOURS after the
login whatever happens. The display device (Role.DISPLAY: the LED wall, paired by its token) is
no person at a desk: neither limit applies to it (its pairing sets its own lifetime).
Background traffic does not count as activity: the lists' live refresh (app.js marks its htmx
requests with X-Hotline-Background) and websockets (they never pass this middleware). Activity
is written to the session at most once a minute (SEEN_GRANULARITY), not on every request.
"""
import time

from django.conf import settings

from hotline.models import Role

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
PASSWORD_EXPIRED = "accounts_password_expired"
PENDING = "accounts_pending_login"  # password accepted, second factor awaited
SEEN_GRANULARITY = 60
BACKGROUND_HEADER = "HTTP_X_HOTLINE_BACKGROUND"


def session_started(*, request, user) -> None:
    from .services import password_expired

    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[PASSWORD_EXPIRED] = user.role != Role.DISPLAY and password_expired(user)


def is_background(request) -> bool:
    return request.META.get(BACKGROUND_HEADER) == "1"


def expiry_reason(*, session, user, now: float) -> str | None:
    """"absolute", "idle" or None; sessions from before this policy count from now."""
    if user.role == Role.DISPLAY:
        return None
    login_at = session.setdefault(LOGIN_AT, now)
    if now - login_at > settings.SESSION_MAX_HOURS * 3600:
        return "absolute"
    if now - session.setdefault(SEEN_AT, now) > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def touch(*, session, now: float) -> None:
    if now - session.get(SEEN_AT, 0) >= SEEN_GRANULARITY:
        session[SEEN_AT] = now
