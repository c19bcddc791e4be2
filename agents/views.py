"""The agents' pages: /agent/ (file for a citizen, on a phone), /agent/tickets/ (what I filed) and
/agent/report/ (the centre's by-agent figures). Thin: forms parse, services and selectors decide."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hotline.errors import HotlineError, NotAllowed, NotFound
from hotline.models import Role
from hotline.permissions import CITY_WIDE
from hotline.privacy import mask_phone

from .forms import FilingForm, PeriodForm
from .selectors import agent_report, agent_ticket, agent_tickets, progress_steps
from .services import FilingInput, agent_file, agent_profile_of, consent_code_send


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                if not request.user.has_role(*roles):
                    raise NotAllowed("您的角色无权访问此页面")
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return render(request, "errors/404.html", {"message": exc.message, "home": "/"}, status=404)
            except NotAllowed as exc:
                return render(request, "errors/403.html", {"message": exc.message, "home": "/"}, status=403)
        return wrapper
    return decorator


def _put_error(form, exc: HotlineError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET", "POST"])
@role_required(Role.AGENT)
def file_page(request):
    profile = agent_profile_of(request.user)
    form = FilingForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "send_code":
        # Only the phone matters for a code: the rest of the form comes back as typed, without errors.
        form = FilingForm(initial=request.POST.dict() | {
            box: box in request.POST for box in ("attested", "notify_agent")})
        try:
            consent = consent_code_send(agent=request.user, citizen_phone=request.POST.get("citizen_phone", ""))
        except HotlineError as exc:
            form = FilingForm(request.POST)
            form.is_valid()
            form.errors.clear()
            _put_error(form, exc)
            status = 400
        else:
            minutes = round((consent.expires_at - consent.created_at).total_seconds() / 60)
            messages.success(request, f"验证码已发送至 {mask_phone(consent.phone)}，{minutes}分钟内有效。"
                                      "请市民告知验证码后填入。")
    elif request.method == "POST" and form.is_valid():
        try:
            filing = agent_file(agent=request.user, data=FilingInput(**form.cleaned_data),
                                photos=request.FILES.getlist("photos"))
        except HotlineError as exc:
            _put_error(form, exc)
            status = 400
        else:
            messages.success(request, f"已提交，工单号 {filing.ticket.number}。")
            return redirect(f"/agent/tickets/{filing.ticket_id}/")
    elif request.method == "POST":
        status = 400
    return render(request, "agents/file.html", {"form": form, "profile": profile, "nav": "agent"}, status=status)


@role_required(Role.AGENT)
def my_tickets(request):
    return render(request, "agents/tickets.html", {"tickets": agent_tickets(request.user), "nav": "agent_tickets"})


@role_required(Role.AGENT)
def my_ticket(request, ticket_id: int):
    ticket = agent_ticket(request.user, ticket_id)
    return render(request, "agents/ticket.html", {
        "ticket": ticket, "filing": getattr(ticket, "agent_filing", None), "steps": progress_steps(ticket),
        "nav": "agent_tickets"})


@role_required(*CITY_WIDE)
def report_page(request):
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    date_from, date_to = today.replace(day=1), today
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    rows = agent_report(date_from=date_from, date_to=date_to)
    totals = {key: sum(getattr(r, key) for r in rows) for key in ("filed", "open", "closed", "satisfied")}
    return render(request, "agents/report.html", {
        "form": form, "rows": rows, "totals": totals, "date_from": date_from, "date_to": date_to,
        "nav": "agent_report"})
