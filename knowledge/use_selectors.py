"""Reads for where points are used: the console, the unit's reply, the portal and the SMS keyword.

The ranking is kcore's `knowledge.selectors.point_search` (only published, currently valid points);
this module only says which points a use may name and shapes the hits for the pages.
"""
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from hotline.errors import NotFound

from .models import KnowledgePoint

Audience = KnowledgePoint.Audience
# What a search reads of the caller's words: a consultation's title and content, no more.
SEARCH_CHARS = 300


def live_points(today: date | None = None) -> QuerySet[KnowledgePoint]:
    """Published points inside their validity window today (Asia/Shanghai)."""
    today = today or timezone.localdate()
    return KnowledgePoint.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        state=KnowledgePoint.State.PUBLISHED,
    )


def point_for_use(point_id, *, public_only: bool) -> KnowledgePoint:
    """The live point a use names; NotFound for an unknown, withdrawn or expired point, and for
    an internal one where only public points may be shown (the portal, SMS)."""
    points = live_points()
    if public_only:
        points = points.filter(audience=Audience.PUBLIC)
    point = points.select_related("unit", "category").filter(pk=point_id).first() \
        if str(point_id).isdigit() else None
    if point is None:
        raise NotFound("知识点不存在或已失效")
    return point


def matching_points(text: str, *, public_only: bool, limit: int = 5) -> list:
    """The best live points for a citizen's words (PointHit: .point, .score, .title_html,
    .snippet_html). Empty words find nothing."""
    text = " ".join((text or "").split())[:SEARCH_CHARS]
    if len(text) < 2:
        return []
    from .selectors import point_search  # kcore's search; imported here so this module loads without it

    return point_search(text=text, audience=Audience.PUBLIC if public_only else None, limit=limit)
