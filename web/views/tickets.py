"""Full ticket search and a ticket's page with every office action (dispatch, report, answer ...)."""
import logging
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_file
from dispatch import services as dispatch_services
from dispatch.deadlines import deadlines_from, light_q, limits_for, part_light
from dispatch.models import Attachment, Survey
from dispatch.selectors import (
    leader_return_pending,
    office_search_filter,
    pending_return,
    replies_awaiting_review,
    suspension_active,
    suspension_pending,
    ticket_actions_for,
    with_urges,
)
from dispatch.visibility import ticket_get_for, tickets_visible_to
from hardening.uploads import KINDS, safe_content_type
from hotline.errors import NotAllowed, NotFound, RecentlyUrged
from hotline.models import Category, IdentityRead, Role, Ticket, TicketState, Unit
from hotline.permissions import ALL_STAFF, HOTLINE_STAFF, OFFICE
from hotline.selectors import ticket_timeline
from hotline.services import tickets as ticket_services
from hotline.services.identity import identity_reads_record
from hotline.workflow import TRANSITIONS
from reports.intelligence.suggestions import duplicate_candidates

from .. import forms as f
from ..forms import active_units
from ..lists import LIST_DEFER
from ..supervision_links import supervision_notices
from ..timeline import staff_lines
from .common import call_service, light_of, role_required, safe_next, shown_parts, ticket_lens, with_lights

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
# The console asks /api/intelligence/suggest/ about the first 500 characters (static/js/console.js).
SUGGEST_TEXT_CHARS = 500
QUEUES = {"approval", "returned", "red", "yellow", "with_leader"}


def search_queryset(user, form, queue: str):
    qs = tickets_visible_to(user)
    now = timezone.now()
    order = ["-created_at", "-id"]
    if queue == "approval":
        from dispatch.selectors import approval_queue

        qs, order = qs & approval_queue(), ["created_at", "id"]
    elif queue == "returned":
        qs = qs.filter(state="returned")
    elif queue == "with_leader":
        qs, order = qs.filter(state="pending_approval"), ["created_at", "id"]
    elif queue in ("red", "yellow"):
        qs, order = qs.filter(light_q(queue, now)), ["due_at", "id"]
    if not form.is_valid():
        return qs.order_by(*order)
    data = form.cleaned_data
    return office_search_filter(qs, q=data["q"], state=data["state"], ticket_type=data["ticket_type"],
                                light=data["light"], unit=data["unit"], date_from=data["date_from"],
                                date_to=data["date_to"], now=now).order_by(*order)


@role_required(*HOTLINE_STAFF)
def ticket_search(request):
    form = f.SearchForm(request.GET or None)
    queue = request.GET.get("queue", "")
    queue = queue if queue in QUEUES else ""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    qs = search_queryset(request.user, form if request.GET else f.SearchForm({}), queue)
    # One row more than a page tells whether a next page exists without counting a million rows.
    start = (page - 1) * PAGE_SIZE
    if queue in ("red", "yellow"):
        qs = with_urges(qs)  # the red and yellow lists say how often each was urged, in the same query
    rows = list(qs.select_related("category", "lead_unit").defer(*LIST_DEFER)[start:start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "tickets/search.html", {
        "form": form or f.SearchForm(), "tickets": with_lights(rows[:PAGE_SIZE]), "page": page,
        "has_next": has_next, "query": params.urlencode(), "queue": queue, "nav": "tickets",
    })


def deadline_preview(ticket: Ticket, *, category=None):
    """The deadlines a dispatch made now would set, shown before the supervisor confirms
    (with the category the dispatch gives the ticket, when it gives one)."""
    return deadlines_from(timezone.now(), limits_for(ticket_type=ticket.ticket_type, urgency=ticket.urgency,
                                                     category=category or ticket.category))


def _forms(ticket, data=None, which=None):
    """Fresh forms for every action; the one that was posted is bound to what the user typed."""
    forms = {
        "dispatch": f.DispatchForm(initial=_dispatch_initial(ticket), ticket=ticket), "submit": f.SubmitForm(),
        "answer": f.AnswerForm(), "merge": f.MergeForm(), "invalid": f.ReasonForm(), "close": f.RequiredNoteForm(),
        "callback": f.CallbackForm(), "urge": f.NoteForm(), "supervise": f.NoteForm(), "reassign": f.ReassignForm(),
        # 挂起 (issue 16, item 4)
        "suspend": f.SuspensionForm(), "suspension_decide": f.DecideForm(), "resume": f.NoteForm(),
        "confidential": f.NoteForm(),  # issue 16 item 8: 设为保密件
        "review_approve": f.ReviewApproveForm(), "review_send_back": f.ReviewSendBackForm(),  # 办结审核
    }
    if which == "dispatch" and data is not None:
        forms[which] = f.DispatchForm(data, initial=forms[which].initial, ticket=ticket)
    elif which in forms and data is not None:
        forms[which] = type(forms[which])(data)
    return forms


DISPATCHABLE = TRANSITIONS["dispatch"].sources | TRANSITIONS["redispatch"].sources


def _dispatch_initial(ticket) -> dict:
    """The dispatch form as the supervisor finds it: the leader's units when a leader instructed,
    else the suggested lead unit (suggested_lead_unit); the ticket's category."""
    initial = {"category": ticket.category_id, "lead_unit": None, "co_units": [], "suggestion": None}
    if ticket.state not in DISPATCHABLE:
        return initial  # no dispatch form on the page: nothing to suggest
    last = ticket.instructions.order_by("-created_at").first() if ticket.pk else None
    units = list(last.units.values_list("pk", flat=True)) if last is not None else []
    if units:
        return initial | {"lead_unit": units[0], "co_units": units[1:]}
    suggestion = suggested_lead_unit(ticket)
    return initial | {"lead_unit": suggestion.unit.pk if suggestion else None, "suggestion": suggestion}


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    source: str  # what the page says the suggestion rests on


def suggested_lead_unit(ticket) -> UnitSuggestion | None:
    """建议承办单位, recomputed from the ticket rather than stored at registration (so tickets from
    SMS, the portal and the API get one too, and a re-trained model speaks for old tickets):
    the default unit the centre set for the ticket's own category; else the unit the operator's
    console suggested for the same text (reports' classifier: the model's unit, or the default
    unit of the category it suggests, or unit keywords); else a parent category's default unit."""
    category = ticket.category
    if category is not None and category.default_unit_id and category.default_unit.is_active:
        return UnitSuggestion(category.default_unit, "分类默认承办单位")
    guess = _classifier_unit(ticket.content)
    if guess is not None:
        return UnitSuggestion(guess, "智能建议")
    node = category.parent if category is not None else None
    while node is not None:
        if node.default_unit_id and node.default_unit.is_active:
            return UnitSuggestion(node.default_unit, "上级分类默认承办单位")
        node = node.parent
    return None


def _classifier_unit(content: str) -> Unit | None:
    from reports.intelligence import classifier

    try:
        unit = classifier.suggest(content[:SUGGEST_TEXT_CHARS])["unit"]
    except Exception:  # a hint, never a reason for the ticket page to fail
        logger.exception("no unit suggestion for the dispatch form")
        return None
    return Unit.objects.filter(pk=unit["id"], is_active=True).first() if unit else None


@role_required(*ALL_STAFF)
def ticket_detail(request, ticket_id: int, forms=None, confirm=None, status=200, error="", urge_again=None):
    user = request.user
    if user.role == Role.LEADER:
        return redirect(f"/m/tickets/{ticket_id}/")
    if user.role == Role.UNIT_STAFF:
        return redirect(f"/unit/tickets/{ticket_id}/")
    ticket = ticket_get_for(user, ticket_id)
    actions = ticket_actions_for(user, ticket)
    forms = forms or _forms(ticket)
    reviewing = "return/accept" in actions
    lens = ticket_lens(user, ticket)  # the centre sees the citizen whole; a confidential one's read is recorded
    replies, instructions = shown_parts(
        lens, replies=ticket.replies.select_related("unit", "assignment").prefetch_related("attachments"),
        instructions=ticket.instructions.select_related("leader").prefetch_related("units"))
    identity_reads_record(actor=user, tickets=[ticket], surface=IdentityRead.Surface.PAGE, request=request)
    return render(request, "tickets/detail.html", {
        # 退单审核 and 改派 (issue 16): the request waiting for this user's decision, and the units to name.
        "pending_return": pending_return(ticket) if reviewing else None,
        "units": list(active_units().only("pk", "name")) if reviewing else [],
        "ticket": ticket, "light": light_of(ticket), "citizen": lens.citizen, "shown": lens, "actions": actions,
        "forms": forms, "confirm": confirm, "error": error, "urge_again": urge_again,
        "dispatch_category": _chosen_category(forms["dispatch"], ticket) if "dispatch" in actions else None,
        "deadline": deadline_preview(ticket) if "dispatch" in actions else None,
        "lines": staff_lines(ticket_timeline(ticket), lens=lens),
        "replies": replies, "instructions": instructions,
        "assignments": _with_part_lights(ticket.assignments.select_related("unit", "parent__unit")
                                         .order_by("-round", "role", "id")),
        "surveys": ticket.surveys.order_by("-id"), "extensions": ticket.extension_requests.order_by("-id"),
        "returns": ticket.returns.select_related("unit", "returned_by", "decided_by").order_by("-id"),
        "history": with_lights(ticket.citizen.tickets.exclude(pk=ticket.pk).order_by("-created_at")[:5])
        if ticket.citizen_id else [],
        "notices": supervision_notices(request.user, ticket), "leader_return": leader_return_pending(ticket),
        "pending_review": replies_awaiting_review().filter(ticket=ticket).select_related("unit").first()
        if ticket.state == TicketState.REVIEWING else None,
        "duplicates": duplicate_candidates(ticket) if "merge" in actions else [],
        "can_decide_duplicates": user.has_role(*OFFICE),
        # 挂起 (issue 16, item 4): the request to decide, the suspension in force, and every one so far.
        "pending_suspension": suspension_pending(ticket), "active_suspension": suspension_active(ticket),
        "suspensions": ticket.suspensions.select_related("requested_by", "decided_by").order_by("-id"),
        "nav": "tickets",
    }, status=status)


def _with_part_lights(assignments) -> list:
    """Issue 16 item 6: each co-unit's and sub-unit's own light beside its deadline."""
    now, rows = timezone.now(), list(assignments)
    for a in rows:
        a.light = part_light(a, now)
    return rows


def _chosen_category(form, ticket):
    """The category the dispatch form shows as chosen: what the supervisor picked, else the ticket's."""
    value = str(form["category"].value() or "")
    if value.isdigit() and value != str(ticket.category_id or ""):
        return Category.objects.filter(pk=value, is_active=True).first() or ticket.category
    return ticket.category


# Form name → the action name in ticket_actions_for that shows that form.
FORM_ACTIONS = {"submit": "submit-for-approval", "supervise": "urge", "suspension_decide": "suspension-decide",
                "confidential": "mark-confidential", "review_approve": "review-approve",
                "review_send_back": "review-send-back"}
OK_MESSAGES = {
    "dispatch": "已派单", "submit": "已呈报领导", "answer": "已直接答复办结", "merge": "已并单",
    "invalid": "已标记为无效工单", "close": "已办结", "callback": "回访结果已登记", "urge": "已催办",
    "supervise": "已督办", "reassign": "已改派", "suspend": "挂起申请已提交，待值班长审核",
    "suspension_decide": "挂起申请已审核",
    "resume": "已恢复办理，办理时限已顺延",
    "confidential": "已设为保密件，承办单位和领导将看不到来电人信息",
    "review_approve": "审核通过，办理结果已告知市民并进入回访",
    "review_send_back": "已退回重办，承办单位将重新办理，办理时限不变",
}


@require_POST
@role_required(*HOTLINE_STAFF)
def ticket_action(request, ticket_id: int, action: str):
    user = request.user
    ticket = ticket_get_for(user, ticket_id)
    forms = _forms(ticket, request.POST, action)
    if action not in forms:
        raise NotFound("未知操作")
    form = forms[action]
    if not form.is_valid():
        return ticket_detail(request, ticket_id, forms=forms, status=400)
    data = form.cleaned_data
    if action == "dispatch" and request.POST.get("confirm") != "1":
        # Step one: show the units and the deadline; the supervisor confirms with step two.
        category = data["category"] or ticket.category
        return ticket_detail(request, ticket_id, forms=forms, confirm={
            "lead_unit": data["lead_unit"], "co_units": data["co_units"], "note": data["note"],
            "category": category, "category_changed": category != ticket.category,
            "deadline": deadline_preview(ticket, category=category),
        })
    arguments = _arguments(action, data, user)
    if action == "urge":
        arguments["repeat"] = request.POST.get("repeat") == "1"
    try:
        # A role error is a 403 page (role_required), not a form error: the button should not
        # have been there, and a retry will not help.
        result = call_service(form, _service(action), raises=(NotAllowed, RecentlyUrged), ticket=ticket,
                              actor=user, **arguments)
    except RecentlyUrged as exc:
        return ticket_detail(request, ticket_id, forms=forms, urge_again={
            "message": exc.message, "note": data["note"], "next": safe_next(request, f"/tickets/{ticket.pk}/"),
        })
    if result is None:
        # The form of an action the ticket no longer allows is not shown: say why at the top.
        shown = FORM_ACTIONS.get(action, action) in ticket_actions_for(user, ticket_get_for(user, ticket_id))
        error = "" if shown else " ".join(form.non_field_errors())
        return ticket_detail(request, ticket_id, forms=forms, status=409, error=error)
    messages.success(request, f"工单 {ticket.number}：{OK_MESSAGES[action]}")
    return redirect(safe_next(request, f"/tickets/{ticket.pk}/"))


def _service(action: str):
    return {
        "dispatch": dispatch_services.ticket_dispatch, "submit": dispatch_services.ticket_submit_for_approval,
        "answer": ticket_services.ticket_answer_directly, "merge": _merge,
        "invalid": dispatch_services.ticket_mark_invalid,
        "close": dispatch_services.ticket_close_without_callback, "callback": dispatch_services.survey_record,
        "urge": dispatch_services.ticket_urge, "supervise": dispatch_services.ticket_supervise,
        "reassign": dispatch_services.ticket_reassign,
        "suspend": dispatch_services.ticket_suspension_request,
        "suspension_decide": dispatch_services.ticket_suspension_decide, "resume": dispatch_services.ticket_resume,
        "confidential": dispatch_services.ticket_mark_confidential,
        "review_approve": dispatch_services.ticket_review_approve,
        "review_send_back": dispatch_services.ticket_review_send_back,
    }[action]


def _arguments(action: str, data: dict, user) -> dict:
    if action == "dispatch":
        return {"lead_unit": data["lead_unit"], "co_units": list(data["co_units"]), "note": data["note"],
                "category": data["category"]}
    if action == "submit":
        return {"leader": data["leader"], "note": data["note"]}
    if action == "reassign":
        return {"lead_unit": data["lead_unit"], "co_units": list(data["co_units"]), "reason": data["reason"]}
    if action == "callback":
        return {"result": data["result"], "comment": data["comment"], "method": Survey.Method.PHONE,
                "resolved": {"yes": True, "no": False}.get(data.get("resolved") or "")}
    if action == "merge":
        return {"into": data["into"], "reason": data["reason"], "user": user}
    return dict(data)


@transaction.atomic
def _merge(*, ticket, actor, into: str, reason: str, user):
    from hotline.errors import InvalidInput

    target = tickets_visible_to(user).filter(number=into.strip()).first()
    if target is None:
        raise InvalidInput(f"目标工单「{into}」不存在", field="into")
    return dispatch_services.ticket_merge(ticket=ticket, into=target, actor=actor, reason=reason)


@role_required(*ALL_STAFF)
def attachment_download(request, attachment_id: int):
    """Attachments are served only to people who may see the ticket (never as public media)."""
    attachment = Attachment.objects.select_related("reply__ticket").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("附件不存在")
    ticket = ticket_get_for(request.user, attachment.reply.ticket_id)
    # issue 16 item 8: a confidential ticket's files reach units and leaders as 附件N (the name may be the citizen's)
    lens = ticket_lens(request.user, ticket)
    name = attachment.name
    if lens.hidden:
        pks = sorted(Attachment.objects.filter(reply__ticket_id=ticket.pk).values_list("pk", flat=True))
        name = lens.attachment_name(attachment.name, pks.index(attachment.pk) + 1)
    audit_file(action=AuditAction.DOWNLOADED, request=request, file_name=name, target=ticket,
               detail={"attachment": attachment.pk})
    # Always a download (Content-Disposition: attachment; nosniff from SecurityMiddleware), as the
    # type the content was checked to be: an old upload's claimed text/html or SVG is never rendered.
    kind = attachment.content_type if attachment.content_type in SERVED_TYPES else "application/octet-stream"
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name, content_type=kind)


SERVED_TYPES = {safe_content_type(kind) for kind in KINDS}
