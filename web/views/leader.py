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
from .common import call_service, light_of, role_required, ticket_lens, with_lights, with_safe_titles

QUICK_PHRASES = [
    "请尽快办理，及时回复群众。",
    "请按职责认真核实处理。",
    "同意，请相关单位协同办理。",
    "请主要负责同志亲自督办。",
    "请依法依规妥善处理，做好解释工作。",
]
PAGE_SIZE = 50


def redacted_rows(user, qs) -> list:
    """Titles are often the first words of what the citizen said: shown through hotline.privacy
    like the rest (masked; a confidential ticket's without the citizen)."""
    return with_safe_titles(user, with_lights(qs))


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
    lens = ticket_lens(request.user, ticket)  # issue 16 item 8: masked, or the citizen hidden
    submission = last_submission(ticket)
    instructions = list(ticket.instructions.select_related("leader").prefetch_related("units"))
    for instruction in instructions:
        instruction.shown_text = lens.text(instruction.text)
    return render(request, "leader/ticket.html", {
        "ticket": ticket, "light": light_of(ticket), "citizen": lens.citizen, "shown": lens,
        "title": lens.title, "content": lens.content, "address": lens.address,
        "lines": staff_lines(ticket_timeline(ticket), lens=lens),
        "instructions": instructions,
        "submission": submission,
        "submission_note": lens.text((submission.payload or {}).get("note", "")) if submission else "",
        "form": form, "return_form": return_form, "phrases": QUICK_PHRASES, "suggested": suggested,
        "nav": "leader",
    })
