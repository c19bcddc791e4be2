"""Reads: who may read bulletins, and the list with its filters."""
import datetime as dt

from django.db.models import QuerySet

from hotline.errors import NotAllowed
from hotline.models import Role

from .models import Bulletin, Kind

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.LEADER)


def may_read_bulletins(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in READERS)


def require_reader(user) -> None:
    if not may_read_bulletins(user):
        raise NotAllowed("通报仅对热线办和领导开放")


def bulletin_list(*, kind: str = "", month: dt.date | None = None) -> QuerySet[Bulletin]:
    """Newest period first; `month` keeps the bulletins whose period starts in that month."""
    qs = Bulletin.objects.select_related("template", "generated_by")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if month is not None:
        qs = qs.filter(period_start__year=month.year, period_start__month=month.month)
    return qs.order_by("-period_start", "kind", "id")
