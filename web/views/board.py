"""The supervisor's board: approval queue, replies awaiting review (办结审核), returns, extension
requests, red and yellow lists."""
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dispatch import services as dispatch_services
from dispatch.models import ExtensionRequest
from dispatch.selectors import (
    approval_queue,
    leader_returns_waiting,
    light_list,
    pending_extensions,
    replies_awaiting_review,
    returned_queue,
    with_urges,
)
from hotline.errors import HotlineError, NotFound
from hotline.models import Ticket, TicketState
from hotline.models.tickets import HANDLING_STATES
from hotline.permissions import HOTLINE_STAFF, OFFICE
from reports.intelligence import suggestions
from reports.models import DuplicateSuggestion

from ..forms import DecideForm
from ..lists import capped_counts, head_by_state, yellow_candidates
from .common import role_required, safe_next, with_lights

ROWS = 10
APPROVAL_STATES = [TicketState.REGISTERED, TicketState.APPROVED, TicketState.REOPENED]
# The board's sections in page order. Each refreshes on its own (?part=<name>), so that one
# holding a half-written 审核意见 never keeps the others from updating.
SECTIONS = ("approval", "review", "duplicates", "red", "yellow", "returned", "leader", "leader_returned",
            "extensions")
PART_TEMPLATES = {"extensions": "board/_extensions.html", "leader_returned": "board/_leader_returned.html",
                  "duplicates": "board/_duplicates.html", "review": "board/_review.html"}


def _section(qs, states, order: str, now, scan: str = "", rows_from=None):
    source = qs if rows_from is None else rows_from
    rows = with_lights(head_by_state(source.select_related("lead_unit"), states, order, ROWS, scan=scan),
                       now)
    return {"rows": rows, "qs": qs}


def _build(name: str, user, now) -> dict:
    if name == "approval":
        return _section(approval_queue(), APPROVAL_STATES, "created_at", now)
    if name == "returned":
        return _section(returned_queue(), [TicketState.RETURNED], "created_at", now)
    if name == "leader":
        return _section(Ticket.objects.filter(state=TicketState.PENDING_APPROVAL), [TicketState.PENDING_APPROVAL],
                        "created_at", now)
    if name == "red":
        return _section(light_list("red"), HANDLING_STATES, "due_at", now,
                        rows_from=with_urges(light_list("red")))
    if name == "yellow":
        return _section(light_list("yellow"), HANDLING_STATES, "due_at", now, scan="-warn_at",
                        rows_from=with_urges(yellow_candidates(now)))
    if name == "duplicates":
        pairs = suggestions.open_suggestions()
        return {"rows": list(pairs[:ROWS]), "qs": pairs}
    if name == "review":  # 办结审核 (issue 16 item 3): lead replies awaiting the centre
        replies = replies_awaiting_review()
        rows = list(replies.select_related("ticket", "unit").prefetch_related("attachments")[:ROWS])
        return {"rows": rows, "qs": replies}
    if name == "leader_returned":
        returns = leader_returns_waiting()
        return {"rows": list(returns[:ROWS]), "qs": returns}
    extensions = pending_extensions(user).select_related("ticket", "ticket__lead_unit", "requested_by")
    return {"rows": list(extensions.order_by("created_at")[:ROWS]), "qs": extensions}


@role_required(*HOTLINE_STAFF)
def board(request):
    """The whole board, or with ?part=<section> that section alone (its live refresh)."""
    now = timezone.now()
    part = request.GET.get("part", "")
    names = [part] if part in SECTIONS else list(SECTIONS)
    sections = {name: _build(name, request.user, now) for name in names}
    counts = capped_counts({name: section.pop("qs") for name, section in sections.items()})
    for name, (count, capped) in counts.items():
        sections[name] |= {"count": count, "capped": capped}
    context = sections | {
        "now": now, "nav": "board",
        # Buttons only for what this role may do: an operator watches the lists but neither urges
        # nor decides extensions (the services would refuse with 403).
        "can_urge": request.user.has_role(*OFFICE), "can_decide": request.user.has_role(*OFFICE),
    }
    if part in SECTIONS:
        template = PART_TEMPLATES.get(part, "board/_section.html")
        return render(request, template, context | {"name": part, "section": sections[part]})
    return render(request, "board/board.html", context)


@require_POST
@role_required(*OFFICE)
def decide_extension(request, extension_id: int):
    form = DecideForm(request.POST)
    extension = ExtensionRequest.objects.filter(pk=extension_id).select_related("ticket").first()
    if extension is None:
        raise NotFound("延期申请不存在")
    if not form.is_valid():
        messages.error(request, "请选择同意或驳回")
        return redirect("/board/")
    try:
        with transaction.atomic():
            decided = dispatch_services.extension_decide(
                extension=extension, actor=request.user, approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
    except HotlineError as exc:
        messages.error(request, f"工单 {extension.ticket.number}：{exc.message}")
    else:
        verdict = "已同意" if form.cleaned_data["approve"] else "已驳回"
        messages.success(request, f"工单 {extension.ticket.number} 的延期申请{verdict}"
                         + (f"，新时限 {timezone.localtime(decided.new_due_at):%Y-%m-%d %H:%M}"
                            if decided.new_due_at else ""))
    return redirect(safe_next(request, "/board/"))


@require_POST
@role_required(*OFFICE)
def decide_duplicate(request, suggestion_id: int):
    """并单 (the newer ticket goes into the older, which carries on) or 不是重复."""
    suggestion = DuplicateSuggestion.objects.filter(pk=suggestion_id).select_related("ticket", "candidate").first()
    if suggestion is None:
        raise NotFound("该疑似重复记录不存在")
    decision = request.POST.get("decision")
    pair = f"工单 {suggestion.ticket.number} 与 {suggestion.candidate.number}"
    try:
        with transaction.atomic():
            if decision == "merge":
                # The pair is settled by reports' subscriber to the merge event, however the merge was made.
                dispatch_services.ticket_merge(ticket=suggestion.ticket, into=suggestion.candidate, actor=request.user,
                                               reason="疑似重复：" + "、".join(suggestion.reasons))
            elif decision == "dismiss":
                suggestions.suggestion_dismiss(suggestion=suggestion, actor=request.user)
            else:
                messages.error(request, "请选择并单或不是重复")
                return redirect(safe_next(request, "/board/"))
    except HotlineError as exc:
        messages.error(request, f"{pair}：{exc.message}")
    else:
        messages.success(request, f"已将工单 {suggestion.ticket.number} 并入 {suggestion.candidate.number}"
                         if decision == "merge" else f"{pair} 已标记为不是重复")
    return redirect(safe_next(request, "/board/"))
