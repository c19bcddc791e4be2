"""常见问题 on the citizen portal: a search of the public knowledge points and a page per point
(its answer and its source), rate limited per client like the rest of the portal
(settings.PORTAL_RATE_LIMITS["portal_faq"]). Internal points are never found nor shown, and
nothing about who wrote a point appears (only its responsible unit's name)."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotline.errors import NotFound
from knowledge.services.use import use_portal_view
from knowledge.use_selectors import matching_points, point_for_use

from .. import ratelimit

RESULTS = 10
QUERY_CHARS = 50
LIMITED = "查询过于频繁，请稍后再试，或拨打12345热线咨询"


@require_GET
def portal_faq(request):
    q = " ".join(request.GET.get("q", "").split())[:QUERY_CHARS]
    hits, error, status = [], "", 200
    if q:
        if not ratelimit.allow(request, "portal_faq"):
            error, status = LIMITED, 429
        elif len(q) < 2:
            error = "请至少输入两个字，例如：公积金提取"
        else:
            hits = matching_points(q, public_only=True, limit=RESULTS)
    return render(request, "portal/faq.html", {"q": q, "hits": hits, "error": error}, status=status)


@require_GET
def portal_faq_point(request, point_id: int):
    if not ratelimit.allow(request, "portal_faq"):
        return render(request, "portal/faq.html", {"q": "", "hits": [], "error": LIMITED}, status=429)
    try:
        point = point_for_use(point_id, public_only=True)
    except NotFound:
        return render(request, "portal/faq.html", {"q": "", "hits": [], "error": "该问题不存在或已失效，请重新搜索"},
                      status=404)
    use_portal_view(point=point, query=request.GET.get("q", "")[:QUERY_CHARS])
    return render(request, "portal/faq_point.html", {"point": point, "q": request.GET.get("q", "")[:QUERY_CHARS]})
