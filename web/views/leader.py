"""The leader's phone pages: what awaits my instruction, one ticket, my instructed tickets."""
from django.contrib import messages
from django.db.models import Subquery
from django.shortcuts import redirect, render

from dispatch import services as dispatch_services
from dispatch.models import Instruction
from dispatch.selectors import leader_queue, ticket_actions_for
from dispatch.services.approval import last_submission
from dispatch.visibility import ticket_get_for
from hotline.models import Role, Ticket, Unit
from hotline.selectors import ticket_timeline

from ..forms import InstructForm, LeaderReturnForm
from ..lists import LIST_DEFER
from ..timeline import staff_lines
from .common import call_service, citizen_view, light_of, redactor_for, role_required, with_lights

QUICK_PHRASES = [
    "请尽快办理，及时回复群众。",
    "请按职责认真核实处理。",
    "同意，请相关单位协同办理。",
    "请主要负责同志亲自督办。",
    "请依法依规妥善处理，做好解释工作。",
]
PAGE_SIZE = 50


def redacted_rows(user, qs) -> list:
    """Titles are often the first words of what the citizen said: mask them like the rest."""
    rows = with_lights(qs)
    for ticket in rows:
        ticket.safe_title = redactor_for(user, ticket)(ticket.title)
    return rows


@role_required(Role.LEADER)
def leader_home(request):
    tickets = redacted_rows(
        request.user,
        leader_queue(request.user).select_related("category", "citizen").defer(*LIST_DEFER)
        .order_by("-created_at")[:PAGE_SIZE],
    )
    total = leader_queue(request.user).count()  # one (leader, state) index range
    return render(request, "leader/home.html", {"tickets": tickets, "total": total, "nav": "leader"})


@role_required(Role.LEADER)
def leader_instructed(request):
    # From the leader's instructions (a few) to their tickets, never a scan of all tickets.
    mine = Instruction.objects.filter(leader=request.user).order_by("-created_at").values("ticket_id")[:PAGE_SIZE]
    tickets = redacted_rows(
        request.user,
        Ticket.objects.filter(pk__in=Subquery(mine)).select_related("lead_unit", "citizen").order_by("-created_at"),
    )
    return render(request, "leader/instructed.html", {"tickets": tickets, "nav": "leader_done"})


def suggested_units(ticket) -> list[Unit]:
    """The category's default unit (the nearest ancestor that has one)."""
    node = ticket.category
    while node is not None:
        if node.default_unit_id:
            return [node.default_unit]
        node = node.parent
    return []


@role_required(Role.LEADER)
def leader_ticket(request, ticket_id: int):
    ticket = ticket_get_for(request.user, ticket_id)
    actions = ticket_actions_for(request.user, ticket)
    form = return_form = None
    if "instruct" in actions:
        form = InstructForm(initial={"units": [u.pk for u in suggested_units(ticket)]})
        return_form = LeaderReturnForm()
        if request.method == "POST" and request.POST.get("action") == "return":
            return_form = LeaderReturnForm(request.POST)
            if return_form.is_valid() and call_service(
                    return_form, dispatch_services.ticket_leader_return, ticket=ticket, actor=request.user,
                    reason=return_form.cleaned_data["reason"]) is not None:
                messages.success(request, f"工单 {ticket.number} 已退回热线办")
                return redirect("/m/")
        elif request.method == "POST":
            form = InstructForm(request.POST)
            if form.is_valid():
                done = call_service(form, dispatch_services.ticket_instruct, ticket=ticket, actor=request.user,
                                    text=form.cleaned_data["text"], units=list(form.cleaned_data["units"]))
                if done is not None:
                    messages.success(request, f"已批示工单 {ticket.number}")
                    return redirect("/m/")
    elif request.method == "POST":
        messages.error(request, "该工单已不在待批示状态")
        return redirect(request.path)
    suggested = {u.pk for u in suggested_units(ticket)}
    redact = redactor_for(request.user, ticket)
    submission = last_submission(ticket)
    return render(request, "leader/ticket.html", {
        "ticket": ticket, "light": light_of(ticket), "citizen": citizen_view(request.user, ticket),
        "title": redact(ticket.title), "content": redact(ticket.content), "address": redact(ticket.address),
        "lines": staff_lines(ticket_timeline(ticket), redact=redact),
        "instructions": ticket.instructions.select_related("leader").prefetch_related("units"),
        "submission": submission,
        "submission_note": redact((submission.payload or {}).get("note", "")) if submission else "",
        "form": form, "return_form": return_form, "phrases": QUICK_PHRASES, "suggested": suggested,
        "nav": "leader",
    })
