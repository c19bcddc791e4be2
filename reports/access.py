"""Who may see reports and the display feeds.

- Reports: supervisors, admins, leaders and hotline operators see the whole city
  (read-only: nothing on the report pages writes); unit staff see their own unit and
  its sub-units only; display devices and anyone else see nothing.
- Display feeds: a display device's DRF token in `Authorization: Token …`, or a
  logged-in session of a display device or hotline staff (the kiosk page after pairing).
"""
import time

from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from hotline.errors import NotAllowed
from hotline.models import Role, Unit
from hotline.permissions import CITY_WIDE

MAY_REFRESH = (Role.SUPERVISOR, Role.ADMIN)
FEED_ROLES = (Role.DISPLAY, Role.SUPERVISOR, Role.ADMIN)
TOKEN_TTL = 30.0  # seconds a token check is remembered in this process

_token_cache: dict[str, tuple[float, int | None]] = {}


def report_scope(user) -> Unit | None:
    """The unit subtree a user's reports are limited to (None: the whole city).
    Raises NotAllowed for people who may not see reports at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAllowed("请先登录")
    if user.role in CITY_WIDE:
        return None
    if user.role == Role.UNIT_STAFF and user.unit_id:
        return user.unit
    raise NotAllowed("您的角色无权查看统计报表")


def may_see_reports(user) -> bool:
    """report_scope as a yes/no (the staff menus link 统计报表 for these people only)."""
    try:
        report_scope(user)
    except NotAllowed:
        return False
    return True


def may_refresh(user) -> bool:
    return user.is_authenticated and user.has_role(*MAY_REFRESH)


def token_from_header(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if len(parts) == 2 and parts[0].lower() == "token":
        return parts[1]
    return None


def feed_user_id(key: str) -> int | None:
    """The user id behind a token allowed to read the feed (None: not allowed).
    Remembered for TOKEN_TTL so 200 pollers do not hit the database every second;
    a revoked token stops working within that time."""
    now = time.monotonic()
    hit = _token_cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    from accounts.services import token_current

    token = Token.objects.select_related("user").filter(key=key).first()
    user_id = None
    if token_current(token) and token.user.role in FEED_ROLES:
        user_id = token.user_id
    if len(_token_cache) > 10000:
        _token_cache.clear()
    _token_cache[key] = (now + TOKEN_TTL, user_id)
    return user_id


def may_read_feed(request) -> bool:
    key = token_from_header(request)
    if key is not None:
        return feed_user_id(key) is not None
    user = getattr(request, "user", AnonymousUser())
    return bool(user.is_authenticated and user.is_active
                and user.role in (*FEED_ROLES, *CITY_WIDE))
