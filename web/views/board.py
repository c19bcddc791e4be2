"""The supervisor's board: approval queue, replies awaiting review (办结审核), return requests and
returns, extension and suspension requests, red and yellow lists."""
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dispatch import services as dispatch_services
from dispatch.models import ExtensionRequest, Suspension, TicketReturn
from dispatch.selectors import (
    approval_queue,
    leader_returns_waiting,
    light_list,
    pending_extensions,
    replies_awaiting_review,
    return_requests_waiting,
    returned_queue,
    suspensions_active,
    suspensions_pending,
    with_urges,
)
from hotline.errors import HotlineError, NotFound
from hotline.models import Ticket, TicketState
from hotline.models.tickets import HANDLING_STATES
from hotline.permissions import HOTLINE_STAFF, OFFICE
from reports.intelligence import suggestions
from reports.models import DuplicateSuggestion

from ..forms import DecideForm, ReturnAcceptForm, ReturnRefuseForm
from ..lists import capped_counts, head_by_state, yellow_candidates
from .common import role_required, safe_next, with_lights

ROWS = 10
APPROVAL_STATES = [TicketState.REGISTERED, TicketState.APPROVED, TicketState.REOPENED]
# The board's sections in page order. Each refreshes on its own (?part=<name>), so that one
# holding a half-written 审核意见 never keeps the others from updating.
SECTIONS = ("approval", "review", "duplicates", "return_requests", "red", "yellow", "returned", "leader",
            "leader_returned", "extensions", "suspensions", "suspended")
PART_TEMPLATES = {"extensions": "board/_extensions.html", "leader_returned": "board/_leader_returned.html",
                  "duplicates": "board/_duplicates.html", "return_requests": "board/_return_requests.html",
                  "suspensions": "board/_suspensions.html", "suspended": "board/_suspended.html",
                  "review": "board/_review.html"}


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
    if name == "return_requests":  # 退单待审 (issue 16)
        requests = return_requests_waiting()
        rows = list(requests.select_related("ticket__lead_unit")[:ROWS])
        for row in rows:
            row.overdue = row.review_due_at is not None and row.review_due_at < now
        return {"rows": rows, "qs": requests}
    if name == "review":  # 办结审核 (issue 16 item 3): lead replies awaiting the centre
        replies = replies_awaiting_review()
        rows = list(replies.select_related("ticket", "unit").prefetch_related("attachments")[:ROWS])
        return {"rows": rows, "qs": replies}
    if name == "leader_returned":
        returns = leader_returns_waiting()
        return {"rows": list(returns[:ROWS]), "qs": returns}
    if name == "suspensions":  # 挂起待审 (issue 16, item 4)
        pending = suspensions_pending()
        return {"rows": list(pending[:ROWS]), "qs": pending}
    if name == "suspended":  # 挂起中
        active = suspensions_active()
        rows = list(active[:ROWS])
        with_lights([row.ticket for row in rows], now)
        return {"rows": rows, "qs": active}
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
    # 同意退单 with a re-dispatch to a named unit is on the ticket page (its unit picker); the board's
    # rows stay light (a picker per row weighed the page by the whole unit tree, bench/README.md).
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


def _decide_return(request, return_id: int, form_class, *, invalid: str | None, decide) -> HttpResponse:
    """What 同意退单 and 驳回 share: the request, its form, whether it still waits, the service
    (`decide(ticket_return, cleaned_data)` returns the success message), each outcome a message on
    the page it came from."""
    ticket_return = TicketReturn.objects.filter(pk=return_id).select_related("ticket", "unit").first()
    if ticket_return is None:
        raise NotFound("退单申请不存在")
    number = ticket_return.ticket.number
    form = form_class(request.POST)
    if not form.is_valid():
        errors = invalid or "；".join(e for field_errors in form.errors.values() for e in field_errors)
        messages.error(request, f"工单 {number}：{errors}")
    elif ticket_return.state != TicketReturn.State.PENDING:  # decided by someone else, or withdrawn
        messages.error(request, f"工单 {number}：该退单申请已处理（{ticket_return.get_state_display()}），无需再审核")
    else:
        try:
            done = decide(ticket_return, form.cleaned_data)
        except HotlineError as exc:
            messages.error(request, f"工单 {number}：{exc.message}")
        else:
            messages.success(request, f"工单 {number}：{done}")
    return redirect(safe_next(request, "/board/"))


@require_POST
@role_required(*OFFICE)
def accept_return(request, return_id: int):
    """同意退单, with an optional unit to re-dispatch to at once."""
    def accept(ticket_return, data) -> str:
        unit = data["lead_unit"]
        dispatch_services.ticket_return_accept(ticket=ticket_return.ticket, actor=request.user,
                                               note=data["note"], lead_unit=unit)
        return "已同意退单" + (f"，并重新派给{unit.name}" if unit else "，工单待重新派单")
    return _decide_return(request, return_id, ReturnAcceptForm, invalid=None, decide=accept)


@require_POST
@role_required(*OFFICE)
def refuse_return(request, return_id: int):
    """驳回退单 with a reason the unit will read; the ticket stays with it, its deadline unchanged."""
    def refuse(ticket_return, data) -> str:
        dispatch_services.ticket_return_refuse(ticket=ticket_return.ticket, actor=request.user,
                                               reason=data["reason"])
        return f"已驳回退单申请，工单仍由{ticket_return.unit.name}按原时限办理"
    return _decide_return(request, return_id, ReturnRefuseForm, invalid="请填写驳回理由，承办单位将看到",
                          decide=refuse)


# --- 挂起 (issue 16, item 4): 同意挂起 / 驳回 and 恢复办理 from the board's lists ---
@require_POST
@role_required(*OFFICE)
def decide_suspension(request, suspension_id: int):
    suspension = Suspension.objects.filter(pk=suspension_id).select_related("ticket").first()
    if suspension is None:
        raise NotFound("挂起申请不存在")
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择同意或驳回")
        return redirect(safe_next(request, "/board/"))
    number = suspension.ticket.number
    approve = form.cleaned_data["approve"]
    try:
        dispatch_services.ticket_suspension_decide(ticket=suspension.ticket, actor=request.user, approve=approve,
                                                   note=form.cleaned_data["note"])
    except HotlineError as exc:
        messages.error(request, f"工单 {number}：{exc.message}")
    else:
        messages.success(request, f"工单 {number} 已挂起，停止计时" if approve else f"工单 {number} 的挂起申请已驳回")
    return redirect(safe_next(request, "/board/"))


@require_POST
@role_required(*OFFICE)
def resume_suspended(request, ticket_id: int):
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("工单不存在")
    try:
        resumed = dispatch_services.ticket_resume(ticket=ticket, actor=request.user,
                                                  note=request.POST.get("note", "")[:1000])
    except HotlineError as exc:
        messages.error(request, f"工单 {ticket.number}：{exc.message}")
    else:
        messages.success(request, f"工单 {ticket.number} 已恢复办理，办理时限顺延至 "
                         f"{timezone.localtime(resumed.due_at):%Y-%m-%d %H:%M}" if resumed.due_at
                         else f"工单 {ticket.number} 已恢复办理")
    return redirect(safe_next(request, "/board/"))
