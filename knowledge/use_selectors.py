"""Reads for where points are used: the console, the unit's reply, the portal and the SMS keyword.

The ranking is `knowledge.selectors.point_search` (only points in force: published, inside the
validity window); this module only says which points a use may name, and for whom.
"""
from hotline.errors import NotFound

from .models import KnowledgePoint
from .selectors import in_force, point_search

Audience = KnowledgePoint.Audience
# What a search reads of the caller's words: a consultation's title and content, no more.
SEARCH_CHARS = 300


def point_for_use(point_id, *, public_only: bool) -> KnowledgePoint:
    """The live point a use names; NotFound for an unknown, withdrawn or expired point, and for
    an internal one where only public points may be shown (the portal, SMS)."""
    points = in_force()
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
    return point_search(text=text, audience=Audience.PUBLIC if public_only else None, limit=limit)
