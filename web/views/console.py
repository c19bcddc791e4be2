"""The operator's console: the new-ticket form, caller look-up, category tree, callbacks."""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from dispatch import services as dispatch_services
from dispatch.models import Reply, Survey
from dispatch.selectors import callback_queue
from dispatch.visibility import ticket_get_for
from hotline.errors import HotlineError, InvalidInput
from hotline.models import Category, Channel, IdentityRead, Ticket
from hotline.permissions import HOTLINE_STAFF
from hotline.selectors import categories_matching, citizen_history
from hotline.services import tickets as ticket_services
from hotline.services.identity import caller_identity_record, identity_reads_record
from hotline.validation import validate_phone
from knowledge.services.use import use_answered
from knowledge.use_selectors import point_for_use

from ..forms import CallbackForm, TicketForm
from .common import call_service, role_required, with_lights

CATEGORY_RESULTS = 30


def _register(request, form) -> Ticket | None:
    """Register (and maybe answer or report) in one transaction: all or nothing."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            ticket = ticket_services.ticket_register(
                actor=request.user, channel=Channel.PHONE, ticket_type=data["ticket_type"],
                content=data["content"], citizen_phone=data["citizen_phone"], citizen_name=data["citizen_name"],
                citizen_id_number=data["citizen_id_number"],
                title=data["title"], category=data["category"], urgency=data["urgency"],
                address=data["address"], call_id=data["call_id"], is_confidential=data["is_confidential"],
            )
            if request.POST.get("action") == "answer":
                ticket = ticket_services.ticket_answer_directly(ticket=ticket, actor=request.user,
                                                                answer=data["answer"])
                _link_point(request, ticket, data["knowledge_point"])
            elif data["next_step"] == "approval" or dispatch_services.approval_policy_for(ticket) is not None:
                # Policy-bound tickets (urgent, reports …) go to the leader at once; dispatch would refuse them.
                ticket = dispatch_services.ticket_submit_for_approval(ticket=ticket, actor=request.user,
                                                                      leader=data["leader"])
            return ticket
    except InvalidInput as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except HotlineError as exc:
        form.add_error(None, exc.message)
    return None


def _link_point(request, ticket, point_id: str) -> None:
    """The inserted point is linked to the answered ticket; a point withdrawn meanwhile is not,
    and the operator is told, but the answer stands (a savepoint keeps the ticket)."""
    if not point_id:
        return
    try:
        with transaction.atomic():
            use_answered(ticket=ticket, point_id=point_id, actor=request.user)
    except HotlineError as exc:
        messages.warning(request, f"答复已办结，但未关联知识点：{exc.message}")


def _chosen_point(form):
    """The point an operator had inserted, shown again when the form comes back with an error."""
    point_id = form["knowledge_point"].value()
    try:
        return point_for_use(point_id, public_only=False) if point_id else None
    except HotlineError:
        return None


@role_required(*HOTLINE_STAFF)
def console(request):
    if request.method == "POST":
        form = TicketForm(request.POST)
        if form.is_valid():
            ticket = _register(request, form)
            if ticket is not None:
                return redirect(f"/console/?done={ticket.pk}")
    else:
        form = TicketForm(initial={
            "citizen_phone": request.GET.get("phone", ""), "call_id": request.GET.get("call_id", ""),
        })
    done = None
    if request.GET.get("done"):
        try:
            done = ticket_get_for(request.user, request.GET["done"])
        except HotlineError:
            done = None
    category = form["category"].value()
    selected_category = Category.objects.filter(pk=category).first() if str(category or "").isdigit() else None
    history = []
    phone = (form["citizen_phone"].value() or "").strip()
    if phone:
        history = _history(phone)
    return render(request, "console/console.html", {
        "form": form, "done": done, "selected_category": selected_category, "history": history,
        "roots": Category.objects.filter(level=1, is_active=True).order_by("pk"),
        "missed_calls_url": settings.WEB_MISSED_CALLS_URL, "nav": "console", "chosen_point": _chosen_point(form),
    })


def _history(raw_phone: str) -> list:
    try:
        phone = validate_phone(raw_phone)
    except InvalidInput:
        return []
    return with_lights(citizen_history(phone, limit=10))


@require_GET
@role_required(*HOTLINE_STAFF)
def caller(request):
    """Partial: the caller's name and previous tickets, as the operator types the number."""
    raw = request.GET.get("citizen_phone", "").strip()
    citizen, history, error = None, [], ""
    if raw:
        try:
            phone = validate_phone(raw)
        except InvalidInput as exc:
            error = exc.message
        else:
            from hotline.models import Citizen

            citizen = Citizen.objects.filter(phone=phone).first()
            history = with_lights(citizen_history(phone, limit=10))
            if history:
                identity_reads_record(actor=request.user, tickets=history, surface=IdentityRead.Surface.CALLER,
                                      request=request)
            else:  # a known caller with no ticket yet (an opt-out by SMS) is shown whole too
                caller_identity_record(actor=request.user, citizen=citizen, surface="caller", request=request)
    return render(request, "console/_caller.html", {"citizen": citizen, "history": history, "error": error,
                                                    "phone": raw})


@require_GET
@role_required(*HOTLINE_STAFF)
def categories(request):
    """Partial: categories matching a search, or the children of one node of the tree."""
    q = request.GET.get("q", "").strip()[:50]
    parent_id = request.GET.get("parent", "")
    parent = None
    because = {}
    if q:
        matches = categories_matching(q, limit=CATEGORY_RESULTS)
        items = [m.category for m in matches]
        because = {m.category.pk: m.because for m in matches if m.because}
    else:
        qs = Category.objects.filter(is_active=True)
        if parent_id.isdigit():
            parent = Category.objects.filter(pk=parent_id).first()
            qs = qs.filter(parent_id=parent_id).order_by("pk")
        else:
            qs = qs.filter(level=1).order_by("pk")
        items = list(qs[:CATEGORY_RESULTS])
    with_children = set(Category.objects.filter(parent_id__in=[c.pk for c in items]).values_list("parent_id",
                                                                                                  flat=True))
    for c in items:
        c.because = because.get(c.pk, "")
    return render(request, "console/_categories.html", {
        "items": items, "with_children": with_children, "parent": parent, "q": q,
    })


@role_required(*HOTLINE_STAFF)
def callbacks(request):
    """Tickets awaiting a callback survey (回访), the nearest deadline first, with the result form."""
    forms_by_ticket = {}
    if request.method == "POST":
        ticket_id = request.POST.get("ticket", "")
        form = CallbackForm(request.POST, prefix=f"t{ticket_id}")
        if form.is_valid():
            ticket = ticket_get_for(request.user, ticket_id)
            survey = call_service(
                form, dispatch_services.survey_record, ticket=ticket, actor=request.user,
                result=form.cleaned_data["result"], resolved=form.resolved_value(),
                comment=form.cleaned_data["comment"], method=Survey.Method.PHONE,
            )
            if survey is not None:
                messages.success(request, f"工单 {ticket.number} 回访结果已登记：{survey.get_result_display()}")
                return redirect(request.get_full_path())
        forms_by_ticket[str(ticket_id)] = form
    queue = callback_queue().select_related("ticket__citizen", "ticket__lead_unit").order_by("due_at", "id")
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    surveys = list(page)
    # issue 16 item 8: the 回访 list shows each caller whole; confidential ones are recorded, one INSERT
    identity_reads_record(actor=request.user, tickets=[s.ticket for s in surveys],
                          surface=IdentityRead.Surface.CALLBACKS, request=request)
    replies = {}
    for reply in Reply.objects.filter(ticket_id__in=[s.ticket_id for s in surveys], is_lead=True).select_related(
            "unit").order_by("created_at"):
        replies[reply.ticket_id] = reply  # the latest lead reply wins
    rows = []
    for survey in surveys:
        ticket = survey.ticket
        reply = replies.get(ticket.pk)
        form = forms_by_ticket.get(str(ticket.pk)) or CallbackForm(prefix=f"t{ticket.pk}")
        rows.append({"survey": survey, "ticket": ticket, "reply": reply, "form": form})
    return render(request, "console/callbacks.html", {"page": page, "rows": rows, "nav": "callbacks"})
