"""Knowledge points where people work (issue 17): the console's slot beside the new-ticket form,
the unit's slot beside its reply form, and the portal's public FAQ (常见问题).

The points come from knowledge's selectors (kcore's point_search ranks them) and every use is a
knowledge service; these views only parse and render."""
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from hotline.errors import HotlineError
from hotline.models import Role
from hotline.permissions import HOTLINE_STAFF
from knowledge.services import use as knowledge_use
from knowledge.use_selectors import matching_points

from .common import role_required

HITS = 5


def _dismissed(request) -> set[int]:
    """Points the operator marked 无帮助 while typing this call: not offered again."""
    raw = request.GET.get("dismissed", "")
    return {int(p) for p in raw.split(",") if p.strip().isdigit()}


@require_GET
@role_required(*HOTLINE_STAFF)
def console_knowledge(request):
    """Partial: the best points for what the operator typed (title and content), refreshed as they type."""
    text = f"{request.GET.get('title', '')} {request.GET.get('content', '')}".strip()
    dismissed = _dismissed(request)
    hits = [h for h in matching_points(text, public_only=False, limit=HITS + len(dismissed))
            if h.point.pk not in dismissed][:HITS]
    return render(request, "partials/knowledge_hits.html", {
        "hits": hits, "typed": len(text) >= 2, "target": "id_answer", "where": "console",
    })


@require_POST
@role_required(*HOTLINE_STAFF)
def console_not_helpful(request, point_id: int):
    """无帮助: counted for the point (statistics), and the slot stops offering it for this call."""
    try:
        knowledge_use.use_not_helpful(point_id=point_id, actor=request.user,
                                      query=request.POST.get("content", "")[:300])
    except HotlineError as exc:
        return render(request, "partials/knowledge_marked.html", {"message": exc.message}, status=404)
    return render(request, "partials/knowledge_marked.html", {"point_id": point_id,
                                                              "message": "已标记为无帮助，感谢反馈"})


def unit_points(user, ticket, lens=None) -> list:
    """The points relevant to a unit's ticket (public and internal), for the reply form's side.
    `lens`: the unit's hotline.privacy lens: the question is asked in the words the unit sees."""
    if user.role != Role.UNIT_STAFF:
        return []
    title, content = (lens.title, lens.content) if lens is not None else (ticket.title, ticket.content)
    return matching_points(f"{title} {content}", public_only=False, limit=HITS)

