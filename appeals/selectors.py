"""Reads of appeals: the centre's list with its ruling lights, a unit's own list, one appeal."""
import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from dispatch.deadlines import light_at
from hotline.errors import NotAllowed, NotFound
from hotline.models import Role
from hotline.permissions import OFFICE
from hotline.selectors import unit_subtree_ids
from hotline.validation import MAX_ID

from .models import Appeal

LIGHT_LABELS = {"green": "正常", "yellow": "临近裁定时限", "red": "超过裁定时限"}


def is_centre(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*OFFICE))


def is_unit_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.UNIT_STAFF and user.unit_id)


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """The centre sees every appeal; a unit those it (or a sub-unit) filed; nobody else any."""
    qs = Appeal.objects.select_related("ticket", "unit", "filed_by", "decided_by")
    if is_centre(user):
        return qs
    if is_unit_staff(user):
        return qs.filter(unit_id__in=unit_subtree_ids(user.unit))
    return qs.none()


def appeal_get_for(user, appeal_id) -> Appeal:
    try:
        pk = int(appeal_id)
        if not 0 < pk <= MAX_ID:
            raise ValueError(pk)
        return appeals_visible_to(user).get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFound("申诉不存在") from None


def appeal_light(appeal: Appeal, now: dt.datetime | None = None) -> str | None:
    """The ruling's light while pending (dispatch.deadlines.light_at); none once ruled."""
    if appeal.state != Appeal.State.PENDING:
        return None
    return light_at(appeal.ruling_due_at, appeal.ruling_warn_at, now or timezone.now())


def appeal_list(user, *, state: str = "pending", kind: str = "", unit_id: int | None = None,
                light: str = "", limit: int = 200) -> list[Appeal]:
    """An appeal list, pending ones by ruling deadline (most urgent first), ruled ones newest first.
    `light` filters pending appeals by their light, in SQL (green/yellow/red by the deadlines)."""
    if not (is_centre(user) or is_unit_staff(user)):
        raise NotAllowed("您的角色无权查看申诉")
    now = timezone.now()
    qs = appeals_visible_to(user)
    if state in Appeal.State.values:
        qs = qs.filter(state=state)
    if kind in Appeal.Kind.values:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if light == "red":
        qs = qs.filter(state=Appeal.State.PENDING, ruling_due_at__lt=now)
    elif light == "yellow":
        qs = qs.filter(state=Appeal.State.PENDING, ruling_due_at__gte=now, ruling_warn_at__lte=now)
    elif light == "green":
        qs = qs.filter(Q(ruling_warn_at__gt=now), state=Appeal.State.PENDING)
    order = ["ruling_due_at", "pk"] if state == Appeal.State.PENDING else ["-created_at", "-pk"]
    rows = list(qs.order_by(*order)[:limit])
    for appeal in rows:
        appeal.light = appeal_light(appeal, now)
    return rows
