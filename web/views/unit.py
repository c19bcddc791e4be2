"""The unit's pages (desktop and phone): the inbox (lights first), 已办, a search of its own
tickets, and one ticket: sign, reply (or a co-unit's 协办意见), extend, return."""
import contextlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from dispatch import services as dispatch_services
from dispatch.deadlines import LIGHT_RANK, light_rank
from dispatch.models import Assignment, ExtensionRequest
from dispatch.selectors import (
    sent_back_replies,
    sent_back_reply,
    ticket_actions_for,
    unit_done_parts,
    unit_inbox,
    unit_ticket_search,
)
from dispatch.services import reply_review_required
from dispatch.services.parts import open_co_parts
from dispatch.visibility import ticket_get_for
from hotline.errors import HotlineError
from hotline.models import Role
from hotline.selectors import ticket_timeline
from knowledge.services.use import use_unit_reply

from ..forms import ExtensionForm, ReasonForm, ReplyForm, UnitSearchForm
from ..lists import LIST_DEFER
from ..supervision_links import supervision_notices
from ..timeline import staff_lines
from .common import call_service, citizen_view, light_of, role_required, with_lights
from .knowledge import unit_points

PAGE_SIZE = 30
LIGHT_FILTERS = {"red", "yellow", "green"}


def inbox_ordered(user, now, light: str = ""):
    """Red first (most overdue first), then yellow, then green, each by deadline."""
    qs = unit_inbox(user).annotate(light_rank=light_rank(now))
    if light in LIGHT_FILTERS:
        qs = qs.filter(light_rank=LIGHT_RANK[light])
    return qs.select_related("category", "lead_unit").defer(*LIST_DEFER).order_by("light_rank", "due_at", "id")


@role_required(Role.UNIT_STAFF)
def unit_home(request):
    now = timezone.now()
    light = request.GET.get("light", "")
    page = Paginator(inbox_ordered(request.user, now, light), PAGE_SIZE).get_page(request.GET.get("page"))
    tickets = with_lights(page.object_list, now)
    pending = set(Assignment.objects.filter(
        ticket__in=[t.pk for t in tickets], unit_id=request.user.unit_id, is_current=True,
        state=Assignment.State.PENDING).values_list("ticket_id", flat=True))
    sent_back = sent_back_replies([t.pk for t in tickets])  # 办结审核: 退回重办 with the reason
    for t in tickets:
        t.needs_sign = t.pk in pending
        t.sent_back = sent_back.get(t.pk)
    return render(request, "unit/home.html", {"page": page, "tickets": tickets, "light": light, "nav": "unit"})


@role_required(Role.UNIT_STAFF)
def unit_done(request):
    """已办: the parts the unit has finished with, newest first."""
    now = timezone.now()
    parts = unit_done_parts(request.user).select_related("unit", "ticket", "ticket__category")
    page = Paginator(parts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    with_lights([part.ticket for part in rows], now)  # sets each ticket's .light
    return render(request, "unit/done.html", {"page": page, "parts": rows, "nav": "unit_done"})


@role_required(Role.UNIT_STAFF)
def unit_search(request):
    """查询: the unit's own tickets by number, title words and registration date."""
    form = UnitSearchForm(request.GET or None)
    page = None
    tickets = []
    if not form.is_bound or form.is_valid():  # no conditions yet: the newest of the unit's own
        data = form.cleaned_data if form.is_bound else {"q": "", "date_from": None, "date_to": None}
        qs = unit_ticket_search(request.user, q=data["q"], date_from=data["date_from"], date_to=data["date_to"])
        page = Paginator(qs.select_related("category", "lead_unit").defer(*LIST_DEFER), PAGE_SIZE).get_page(
            request.GET.get("page"))
        tickets = with_lights(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "unit/search.html", {"form": form, "page": page, "tickets": tickets,
                                                "query": params.urlencode(), "nav": "unit_search"})


ACTION_FORMS = {"reply": ReplyForm, "extension": ExtensionForm, "return": ReasonForm}


@role_required(Role.UNIT_STAFF)
def unit_ticket(request, ticket_id: int):
    ticket = ticket_get_for(request.user, ticket_id)
    actions = ticket_actions_for(request.user, ticket)
    forms = {"reply": ReplyForm(), "extension": ExtensionForm(), "return": ReasonForm()}
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        done = _act(request, ticket, action, forms, errors)
        if done:
            return redirect(request.path if action != "return" else "/unit/")
    lines = staff_lines(ticket_timeline(ticket))
    my_part = _my_part(request.user, ticket)
    is_lead = my_part is not None and my_part.role == Assignment.Role.LEAD
    pending_ext = ticket.extension_requests.filter(state=ExtensionRequest.State.PENDING).first()
    return render(request, "unit/ticket.html", {
        "ticket": ticket, "light": light_of(ticket), "citizen": citizen_view(request.user, ticket),
        "actions": actions, "forms": forms, "errors": errors, "pending_extension": pending_ext,
        "lines": lines, "alerts": [line for line in lines if line.kind in ("urge", "supervise")],
        "replies": ticket.replies.select_related("unit").prefetch_related("attachments"),
        "co_replies": ticket.replies.filter(is_lead=False, assignment__is_current=True).select_related("unit"),
        "instructions": ticket.instructions.select_related("leader"),
        "assignments": ticket.assignments.filter(is_current=True).select_related("unit"),
        "my_part": my_part, "is_lead": is_lead,
        # The co-units the lead would reply without (the reply form warns and asks to confirm).
        "absent_co_units": open_co_parts(ticket) if is_lead and "reply" in actions else [],
        "notices": supervision_notices(request.user, ticket), "nav": "unit",
        # 办结审核: the centre's send-back the unit is to answer, or its reply awaiting review.
        "sent_back": sent_back_reply(ticket) if is_lead else None,
        "review_required": is_lead and "reply" in actions and reply_review_required(ticket.ticket_type),
        # The knowledge base's answers to this ticket's question, beside the reply form (issue 17).
        "knowledge_hits": unit_points(request.user, ticket) if "reply" in actions else [],
        "knowledge_point": request.POST.get("knowledge_point", "") if request.method == "POST" else "",
    })


def _link_point(request, ticket) -> None:
    """The reply used a knowledge point's answer (inserted beside the form): counted for the point.
    A point withdrawn meanwhile is not counted; the reply stands."""
    point_id = request.POST.get("knowledge_point", "")
    if point_id:
        with contextlib.suppress(HotlineError):
            use_unit_reply(ticket=ticket, point_id=point_id, actor=request.user)


def _my_part(user, ticket) -> Assignment | None:
    """The user's unit's current part in the ticket (lead or co-unit), if it has one."""
    return (Assignment.objects.filter(ticket=ticket, unit_id=user.unit_id, is_current=True)
            .exclude(state__in=[Assignment.State.CANCELLED, Assignment.State.RETURNED]).first())


def _act(request, ticket, action, forms, errors) -> bool:
    """Run one unit action; on failure the bound form (with the user's input) carries the error."""
    user = request.user
    if action == "sign":
        from ..forms import NoteForm

        form = NoteForm({})
        form.is_valid()
        if call_service(form, dispatch_services.ticket_sign, ticket=ticket, actor=user) is not None:
            messages.success(request, f"已签收工单 {ticket.number}")
            return True
        errors.extend(form.non_field_errors())
        return False
    if action not in ACTION_FORMS:
        errors.append("未知操作")
        return False
    form = ACTION_FORMS[action](request.POST, request.FILES)
    forms[action] = form
    if not form.is_valid():
        return False
    data = form.cleaned_data
    if action == "reply":
        result = call_service(form, dispatch_services.ticket_reply, ticket=ticket, actor=user,
                              text=data["text"], files=data["files"],
                              confirm_absent_co_units=data["confirm_absent_co_units"])
        ok_message = ("协办意见已提交，主办单位回复时可见" if result is not None and not result.is_lead
                      else "办理结果已提交，待热线办审核" if result is not None and result.review_state
                      else "办理结果已回复")
        if result is not None:
            _link_point(request, ticket)
    elif action == "extension":
        result = call_service(form, dispatch_services.extension_request, ticket=ticket, actor=user,
                              reason=data["reason"], extra_days=data["extra_days"])
        ok_message = "延期申请已提交，等待热线办审核"
    else:
        result = call_service(form, dispatch_services.ticket_return, ticket=ticket, actor=user,
                              reason=data["reason"])
        ok_message = f"工单 {ticket.number} 已退回热线办"
    if result is None:
        return False
    messages.success(request, ok_message)
    return True
