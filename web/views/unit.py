"""The unit's pages (desktop and phone): the inbox (lights first), 已办, a search of its own
tickets, and one ticket: sign, reply (or a co-unit's 协办意见), extend, return."""
import contextlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from dispatch import services as dispatch_services
from dispatch.deadlines import LIGHT_RANK, light_at, light_rank, part_light, return_window_end
from dispatch.models import Assignment, ExtensionRequest, TicketReturn
from dispatch.selectors import (
    sent_back_replies,
    sent_back_reply,
    sub_parts_for,
    suspension_active,
    suspension_pending,
    ticket_actions_for,
    unit_done_parts,
    unit_inbox,
    unit_suspended,
    unit_ticket_search,
    with_part_deadlines,
)
from dispatch.services import reply_review_required
from dispatch.services.parts import open_co_parts
from dispatch.services.twolevel import default_sub_deadline, parent_deadline
from dispatch.visibility import ticket_get_for
from hotline.errors import HotlineError
from hotline.models import IdentityRead, Role
from hotline.selectors import ticket_timeline
from hotline.services.identity import identity_reads_record
from knowledge.services.use import use_unit_reply

from ..forms import (
    ExtensionForm,
    HandDownForm,
    HandDownReviewForm,
    HandDownWithdrawForm,
    ReplyForm,
    ReturnRequestForm,
    SuspensionForm,
    UnitSearchForm,
)
from ..lists import LIST_DEFER
from ..supervision_links import supervision_notices
from ..timeline import staff_lines
from .common import call_service, light_of, role_required, shown_parts, ticket_lens, with_lights, with_safe_titles
from .knowledge import unit_points

PAGE_SIZE = 30
SUSPENDED_ROWS = 20
LIGHT_FILTERS = {"red", "yellow", "green"}


def inbox_ordered(user, now, light: str = ""):
    """Red first (most overdue first), then yellow, then green, each by deadline: the deadline the
    unit answers by (its co-unit or sub-unit part's own, issue 16 item 6; else the ticket's)."""
    qs = with_part_deadlines(unit_inbox(user), user).annotate(
        light_rank=light_rank(now, due="my_due", warn="my_warn"))
    if light in LIGHT_FILTERS:
        qs = qs.filter(light_rank=LIGHT_RANK[light])
    return qs.select_related("category", "lead_unit").defer(*LIST_DEFER).order_by("light_rank", "my_due", "id")


@role_required(Role.UNIT_STAFF)
def unit_home(request):
    now = timezone.now()
    light = request.GET.get("light", "")
    page = Paginator(inbox_ordered(request.user, now, light), PAGE_SIZE).get_page(request.GET.get("page"))
    tickets = list(page.object_list)
    # The unit's own part in each ticket of the page (to sign? co-unit? handed down?): one query.
    parts = {ticket_id: (role, state) for ticket_id, role, state in Assignment.objects.filter(
        ticket__in=[t.pk for t in tickets], unit_id=request.user.unit_id, is_current=True,
        state__in=[Assignment.State.PENDING, Assignment.State.SIGNED]).values_list("ticket_id", "role", "state")}
    # 退单审核 (issue 16): a return request of the current round waiting or refused, as a tag.
    sent_back = sent_back_replies([t.pk for t in tickets])  # 办结审核: 退回重办 with the reason
    asked = dict(TicketReturn.objects.filter(
        ticket__in=[t.pk for t in tickets], unit_id=request.user.unit_id, assignment__is_current=True,
        state__in=[TicketReturn.State.PENDING, TicketReturn.State.REFUSED]).values_list("ticket_id", "state"))
    for t in tickets:
        t.light = light_at(t.my_due, t.my_warn, now)
        role, state = parts.get(t.pk, ("", ""))
        t.needs_sign = state == Assignment.State.PENDING
        t.part_role = role
        t.return_state = asked.get(t.pk, "")
        t.sent_back = sent_back.get(t.pk)
    with_safe_titles(request.user, tickets)  # issue 16 item 8
    # 挂起中: not in the inbox (the clock stands still and nothing can be done), listed beside it.
    suspended = with_lights(unit_suspended(request.user).select_related("category").defer(*LIST_DEFER)
                            .order_by("state_changed_at", "id")[:SUSPENDED_ROWS], now)
    with_safe_titles(request.user, suspended)
    return render(request, "unit/home.html", {"page": page, "tickets": tickets, "light": light, "nav": "unit",
                                              "suspended": suspended})


@role_required(Role.UNIT_STAFF)
def unit_done(request):
    """已办: the parts the unit has finished with, newest first."""
    now = timezone.now()
    parts = unit_done_parts(request.user).select_related("unit", "ticket", "ticket__category")
    page = Paginator(parts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    with_lights([part.ticket for part in rows], now)  # sets each ticket's .light
    with_safe_titles(request.user, [part.ticket for part in rows])  # issue 16 item 8
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
        tickets = with_safe_titles(request.user, with_lights(page.object_list))  # issue 16 item 8
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "unit/search.html", {"form": form, "page": page, "tickets": tickets,
                                                "query": params.urlencode(), "nav": "unit_search"})


ACTION_FORMS = {"reply": ReplyForm, "extension": ExtensionForm, "return": ReturnRequestForm, "suspend": SuspensionForm,
                # issue 16 item 5: two-level dispatch (二级派单)
                "hand_down": HandDownForm, "hand_down_review": HandDownReviewForm,
                "hand_down_withdraw": HandDownWithdrawForm}
# The form's name → the action (ticket_actions_for) that shows it: the name with hyphens, but for these.
SHOWN_BY = {"extension": "extensions"}


@role_required(Role.UNIT_STAFF)
def unit_ticket(request, ticket_id: int):
    ticket = ticket_get_for(request.user, ticket_id)
    actions = ticket_actions_for(request.user, ticket)
    forms = {"reply": ReplyForm(), "extension": ExtensionForm(), "return": ReturnRequestForm(),
             "suspend": SuspensionForm(), "hand_down": HandDownForm(unit=request.user.unit)}
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        done = _act(request, ticket, action, forms, errors)
        if done:
            return redirect(request.path)
        if action in forms and SHOWN_BY.get(action, action.replace("_", "-")) not in actions:
            # The form is not on the page (the ticket moved on: reassigned, returned): say why on top.
            errors.extend(forms[action].non_field_errors())
    # issue 16 item 8: everything the page shows of the ticket goes through the unit's lens
    lens = ticket_lens(request.user, ticket)
    # issue 20: a unit sees an ordinary ticket's caller whole (to call them back): recorded
    identity_reads_record(actor=request.user, tickets=[ticket], surface=IdentityRead.Surface.PAGE, request=request)
    lines = staff_lines(ticket_timeline(ticket), lens=lens)
    replies, instructions = shown_parts(
        lens, replies=ticket.replies.select_related("unit", "assignment").prefetch_related("attachments"),
        instructions=ticket.instructions.select_related("leader"))
    co_replies = list(ticket.replies.filter(is_lead=False, assignment__is_current=True,
                                            assignment__role=Assignment.Role.CO).select_related("unit"))
    for reply in co_replies:
        reply.shown_text = lens.text(reply.text, by_unit=True)
    my_part = _my_part(request.user, ticket)
    is_lead = my_part is not None and my_part.role == Assignment.Role.LEAD
    pending_ext = ticket.extension_requests.filter(state=ExtensionRequest.State.PENDING).first()
    # 退单审核 (issue 16): the lead's request of this round, waiting or refused, and its window.
    return_request = (TicketReturn.objects.filter(assignment=my_part).exclude(state=TicketReturn.State.CANCELLED)
                      .order_by("-id").first() if is_lead else None)
    now = timezone.now()
    two_level = _two_level(request, ticket, my_part, actions, forms, now)  # issue 16 items 5 and 6
    assignments = list(ticket.assignments.filter(is_current=True).select_related("unit").order_by("id"))
    for a in assignments:
        a.light = part_light(a, now)
    return render(request, "unit/ticket.html", {
        "ticket": ticket, "light": light_of(ticket), "citizen": lens.citizen, "shown": lens,
        "actions": actions, "forms": forms, "errors": errors, "pending_extension": pending_ext,
        "lines": lines, "alerts": [line for line in lines if line.kind in ("urge", "supervise")],
        "replies": replies, "co_replies": co_replies, "instructions": instructions,
        **two_level, "assignments": assignments,
        "my_part": my_part, "is_lead": is_lead, "return_request": return_request,
        "return_window_end": return_window_end(my_part.assigned_at) if "return" in actions else None,
        # A part the unit no longer holds (改派, 退单 accepted): the page is its read-only history.
        "ended_part": _ended_part(request.user, ticket) if my_part is None else None,
        # The co-units the lead would reply without (the reply form warns and asks to confirm).
        "absent_co_units": open_co_parts(ticket) if is_lead and "reply" in actions else [],
        "notices": supervision_notices(request.user, ticket), "nav": "unit",
        # 挂起 (issue 16, item 4): the request awaiting the centre, or the suspension in force.
        "pending_suspension": suspension_pending(ticket), "active_suspension": suspension_active(ticket),
        # 办结审核: the centre's send-back the unit is to answer, or its reply awaiting review.
        "sent_back": sent_back_reply(ticket) if is_lead else None,
        "review_required": is_lead and "reply" in actions and reply_review_required(ticket.ticket_type),
        # The knowledge base's answers to this ticket's question, beside the reply form (issue 17).
        "knowledge_hits": unit_points(request.user, ticket, lens) if "reply" in actions else [],
        "knowledge_point": request.POST.get("knowledge_point", "") if request.method == "POST" else "",
    })


# --- issue 16 items 5 and 6: two-level dispatch (二级派单) and the parts' own deadlines ---

SUB_STATE_LABELS = {"pending": "待签收", "signed": "办理中", "replied": "已回复，待审核", "cancelled": "已收回",
                    "closed": "已结束"}


def sub_state_label(part) -> str:
    if part.state == Assignment.State.REPLIED and part.accepted_at:
        return "已审核通过"
    if part.state == Assignment.State.SIGNED and part.review_note and part.replied_at is None and not part.accepted_at:
        return "退回重办中"
    return SUB_STATE_LABELS.get(part.state, part.get_state_display())


def _two_level(request, ticket, my_part, actions, forms, now) -> dict:
    """The page's part of two-level dispatch: the unit's own part's deadline and light (a co-unit's
    or sub-unit's), the parts it handed down (oversight: state, deadline, light, reply, buttons),
    the hand-down form's default deadline, and the accepted sub reply as the reply's starting text."""
    sub_parts = sub_parts_for(request.user, ticket)
    for part in sub_parts:
        part.light = part_light(part, now)
        part.status_label = sub_state_label(part)
        part.unsettled = part.is_current and (part.state in ("pending", "signed") or (
            part.state == "replied" and part.accepted_at is None))
        part.mine = my_part is not None and part.parent_id == my_part.pk
    context = {"sub_parts": sub_parts, "my_part_light": part_light(my_part, now) if my_part else None,
               "open_sub_parts": [p for p in sub_parts if p.mine and p.unsettled] if "reply" in actions else []}
    if my_part is not None and my_part.role == Assignment.Role.SUB:
        context["parent_unit"] = (Assignment.objects.filter(pk=my_part.parent_id)
                                  .values_list("unit__name", flat=True).first())
    if "hand-down" in actions and not forms["hand_down"].is_bound:
        with contextlib.suppress(HotlineError):
            default = default_sub_deadline(my_part, ticket, now)
            forms["hand_down"] = HandDownForm(unit=request.user.unit, initial={
                "due_at": timezone.localtime(default).date()})
        context["hand_down_limit"] = parent_deadline(my_part, ticket)[0]
    if "reply" in actions and not forms["reply"].is_bound:
        accepted = [p for p in sub_parts if p.mine and p.accepted_at and p.last_reply]
        if accepted:  # the parent replies upward starting from the sub-unit's reply it accepted
            newest = max(accepted, key=lambda p: p.accepted_at)
            forms["reply"] = ReplyForm(initial={"text": newest.last_reply.text})
            context["reply_from_sub"] = newest.unit.name
    return context


def _hand_down_act(request, ticket, action, forms, errors) -> bool:
    user = request.user
    form = (HandDownForm(request.POST, unit=user.unit) if action == "hand_down"
            else ACTION_FORMS[action](request.POST))
    forms[action] = form
    if not form.is_valid():
        if action != "hand_down":
            errors.extend(e for field_errors in form.errors.values() for e in field_errors)
        return False
    data = form.cleaned_data
    if action == "hand_down":
        part = call_service(form, dispatch_services.ticket_hand_down, ticket=ticket, actor=user,
                            unit=data["unit"], due_at=data["due_at"], note=data["note"])
        ok = part is not None and f"已转{part.unit.name}办理"
    elif action == "hand_down_review":
        accept = data["decision"] == "accept"
        part = call_service(form, dispatch_services.ticket_hand_down_review, ticket=ticket, actor=user,
                            part=data["part"], accept=accept, reason=data["reason"])
        ok = part is not None and (f"已审核通过{part.unit.name}的回复，请在下方回复办理结果" if accept
                                   else f"已退回{part.unit.name}重办")
    else:
        part = call_service(form, dispatch_services.ticket_hand_down_withdraw, ticket=ticket, actor=user,
                            part=data["part"], reason=data["reason"])
        ok = part is not None and f"已收回{part.unit.name}的办理"
    if not ok:
        if action != "hand_down":
            errors.extend(form.non_field_errors())
            errors.extend(e for name, field_errors in form.errors.items() if name != "__all__" for e in field_errors)
        return False
    messages.success(request, ok)
    return True

# --- end issue 16 items 5 and 6 ---


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


def _ended_part(user, ticket) -> Assignment | None:
    """The unit's last part in a ticket it no longer holds, when that part was taken from it
    (reassigned) or handed back (returned): the page says so above the read-only history."""
    return (Assignment.objects.filter(ticket=ticket, unit_id=user.unit_id, is_current=False,
                                      state__in=[Assignment.State.REASSIGNED, Assignment.State.RETURNED])
            .order_by("-round", "-id").first())


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
    if action.startswith("hand_down"):  # issue 16 item 5
        return _hand_down_act(request, ticket, action, forms, errors)
    form = ACTION_FORMS[action](request.POST, request.FILES)
    forms[action] = form
    if not form.is_valid():
        return False
    data = form.cleaned_data
    if action == "reply":
        result = call_service(form, dispatch_services.ticket_reply, ticket=ticket, actor=user,
                              text=data["text"], files=data["files"],
                              confirm_absent_co_units=data["confirm_absent_co_units"],
                              confirm_open_sub_parts=data["confirm_open_sub_parts"])
        ok_message = ("协办意见已提交，主办单位回复时可见" if result is not None and not result.is_lead
                      else "办理结果已提交，待热线办审核" if result is not None and result.review_state
                      else "办理结果已回复")
        if result is not None and result.assignment.role == Assignment.Role.SUB:
            ok_message = "办理结果已提交上级单位审核"
        if result is not None:
            _link_point(request, ticket)
    elif action == "extension":
        result = call_service(form, dispatch_services.extension_request, ticket=ticket, actor=user,
                              reason=data["reason"], extra_days=data["extra_days"])
        ok_message = "延期申请已提交，等待热线办审核"
    elif action == "suspend":
        result = call_service(form, dispatch_services.ticket_suspension_request, ticket=ticket, actor=user,
                              reason_kind=data["reason_kind"], reason=data["reason"],
                              expected_days=data["expected_days"])
        ok_message = "挂起申请已提交，等待热线办审核；审核前请继续办理"
    else:
        result = call_service(form, dispatch_services.ticket_return, ticket=ticket, actor=user,
                              reason_code=data["reason_code"], reason=data["reason"])
        ok_message = "退单申请已提交，等待热线办审核；审核期间请继续办理，办理时限不变"
    if result is None:
        return False
    messages.success(request, ok_message)
    return True
