"""Pages of appeals (/appeals/) and 电子监察 (/supervision/): thin, forms parse, services write."""
import datetime as dt
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_file
from dispatch.visibility import ticket_get_for
from hardening.uploads import KINDS, safe_content_type
from hotline.errors import HotlineError, InvalidInput, NotAllowed, NotFound
from hotline.models import Role, Unit
from hotline.permissions import CITY_WIDE

from . import rules, selectors, services, supervision
from .forms import AppealForm, RulingForm
from .models import Appeal, AppealAttachment

SERVED_TYPES = {safe_content_type(kind) for kind in KINDS}


def page(*roles):
    """Signed in with one of `roles`; a domain error is a page with its message."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(*roles):
                return render(request, "errors/403.html", {"home": "/"}, status=403)
            try:
                return view(request, *args, **kwargs)
            except (NotFound, NotAllowed) as exc:
                template = "errors/404.html" if isinstance(exc, NotFound) else "errors/403.html"
                return render(request, template, {"message": exc.message, "home": "/"}, status=exc.status_code)

        return wrapper

    return decorator


def _on_form(form, exc: HotlineError) -> None:
    field = exc.field if exc.field in form.fields else None  # files: shown on top
    form.add_error(field, exc.message)


@page(Role.SUPERVISOR, Role.ADMIN, Role.UNIT_STAFF)
def appeal_list(request):
    user = request.user
    state = request.GET.get("state", "pending")
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdigit() else None
    appeals = selectors.appeal_list(user, state=state, kind=request.GET.get("kind", ""), unit_id=unit_id,
                                    light=request.GET.get("light", ""))
    return render(request, "appeals/list.html", {
        "appeals": appeals, "state": state, "kind": request.GET.get("kind", ""), "unit_id": unit_id,
        "light": request.GET.get("light", ""), "states": Appeal.State.choices, "kinds": Appeal.Kind.choices,
        "units": Unit.objects.filter(is_active=True).order_by("path") if selectors.is_centre(user) else [],
        "is_centre": selectors.is_centre(user), "nav": "appeals",
    })


@page(Role.UNIT_STAFF)
def appeal_new(request, ticket_id: int):
    ticket = ticket_get_for(request.user, ticket_id)
    kinds = rules.kinds_open_to(request.user, ticket)
    form = AppealForm(request.POST or None, request.FILES or None, kinds=kinds or Appeal.Kind.choices,
                      initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_file(ticket=ticket, actor=request.user, kind=form.cleaned_data["kind"],
                                          reason=form.cleaned_data["reason"], files=request.FILES.getlist("files"))
            return redirect(f"/appeals/{appeal.pk}/")
        except (InvalidInput, HotlineError) as exc:
            if isinstance(exc, (NotFound, NotAllowed)):
                raise
            _on_form(form, exc)
    return render(request, "appeals/new.html", {
        "ticket": ticket, "form": form, "kinds": kinds, "window_days": rules.window_days(), "nav": "unit"})


@page(Role.SUPERVISOR, Role.ADMIN, Role.UNIT_STAFF)
def appeal_detail(request, appeal_id: int):
    appeal = selectors.appeal_get_for(request.user, appeal_id)
    is_centre = selectors.is_centre(request.user)
    form = RulingForm(request.POST or None)
    if request.method == "POST":
        if not is_centre:
            raise NotAllowed("您的角色无权裁定申诉")
        if form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if form.cleaned_data["decision"] == "uphold":
                    services.appeal_uphold(appeal=appeal, actor=request.user, note=note)
                else:
                    services.appeal_reject(appeal=appeal, actor=request.user, reason=note)
                return redirect(request.path)
            except HotlineError as exc:
                if exc.field == "reason":
                    exc.field = "note"
                _on_form(form, exc)
    return render(request, "appeals/detail.html", {
        "appeal": appeal, "light": selectors.appeal_light(appeal), "form": form, "is_centre": is_centre,
        "attachments": list(appeal.attachments.all()), "survey": appeal.survey,
        "nav": "appeals" if is_centre else "unit",
        "ticket_url": (f"/tickets/{appeal.ticket_id}/" if is_centre else f"/unit/tickets/{appeal.ticket_id}/"),
    })


@page(Role.SUPERVISOR, Role.ADMIN, Role.UNIT_STAFF)
def attachment_download(request, attachment_id: int):
    """Served only to who may see the appeal, always as a download, and audited."""
    attachment = AppealAttachment.objects.select_related("appeal").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("附件不存在")
    appeal = selectors.appeal_get_for(request.user, attachment.appeal_id)
    audit_file(action=AuditAction.DOWNLOADED, request=request, file_name=attachment.name, target=appeal.ticket,
               detail={"appeal_attachment": attachment.pk, "appeal": appeal.pk})
    kind = attachment.content_type if attachment.content_type in SERVED_TYPES else "application/octet-stream"
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=kind)


# --- 电子监察 ---------------------------------------------------------------------------------

def _period(request) -> tuple[dt.date, dt.date]:
    first, last = supervision.month_bounds()
    try:
        if request.GET.get("start"):
            first = dt.date.fromisoformat(request.GET["start"])
        if request.GET.get("end"):
            last = dt.date.fromisoformat(request.GET["end"])
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", field="start") from None
    if last < first or (last - first).days > 366:
        raise InvalidInput("统计期须在一年以内，且结束日期不早于开始日期", field="end")
    return first, last


def _period_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            first, last = _period(request)
        except InvalidInput as exc:
            return render(request, "appeals/supervision.html", {"error": exc.message, "rows": [],
                                                                 "measures": supervision.MEASURES}, status=400)
        return view(request, first, last, *args, **kwargs)
    return wrapper


@page(*CITY_WIDE, Role.UNIT_STAFF)
@_period_page
def supervision_table(request, first, last):
    """The centre (and leaders, read-only) see every unit; a unit is sent to its own page."""
    if request.user.role == Role.UNIT_STAFF:
        return redirect(f"/supervision/units/{request.user.unit_id}/?start={first}&end={last}")
    if request.user.role == Role.OPERATOR:
        raise NotAllowed("您的角色无权查看电子监察")
    return render(request, "appeals/supervision.html", {
        "rows": supervision.supervision_table(first, last), "measures": supervision.MEASURES,
        "start": first, "end": last, "nav": "supervision"})


@page(*CITY_WIDE, Role.UNIT_STAFF)
@_period_page
def supervision_unit(request, first, last, unit_id: int):
    user = request.user
    if user.role == Role.OPERATOR:
        raise NotAllowed("您的角色无权查看电子监察")
    if user.role == Role.UNIT_STAFF and user.unit_id != unit_id:
        raise NotFound("单位不存在")
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("单位不存在")
    counts = supervision.supervision_counts(first, last, unit_ids=[unit_id]).get(unit_id, {})
    measure = request.GET.get("measure", "")
    tickets = (supervision.supervision_tickets(unit_id, measure, first, last)
               if measure in supervision.MEASURE_BY_KEY else [])
    return render(request, "appeals/supervision_unit.html", {
        "unit": unit, "counts": [(m, counts.get(m.key, 0)) for m in supervision.MEASURES],
        "measure": supervision.MEASURE_BY_KEY.get(measure), "tickets": tickets, "start": first, "end": last,
        "is_unit": user.role == Role.UNIT_STAFF, "now": timezone.now(),
        "ticket_base": "/unit/tickets/" if user.role == Role.UNIT_STAFF else "/tickets/",
        "nav": "supervision"})
