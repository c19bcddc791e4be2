"""/audit/: the audit administrator's search of the trail, and its export (itself audited).
Only Role.AUDITOR: not the system or security administrator, not the bootstrap superuser
(三员分立: whoever administers the system does not read its audit trail)."""
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hotline.models import Role

from . import exports
from .forms import AuditFilterForm
from .models import AuditAction
from .selectors import audit_events_filtered, audit_page
from .services import audit_file


def auditor_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role != Role.AUDITOR or not request.user.is_active:
            return render(request, "errors/403.html", {"message": "审计记录只有审计管理员可以查看", "home": "/"},
                          status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _filters(request) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None)


def _query(request, drop=("before",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@require_GET
@auditor_only
def events(request):
    form = _filters(request)
    rows, next_before = ([], None)
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        rows, next_before = audit_page(filters=form.cleaned_data if form.is_bound else {})
    return render(request, "audit/events.html", {
        "form": form, "rows": rows, "next_before": next_before, "query": _query(request),
        "first_page": not request.GET.get("before"), "nav": "audit",
    }, status=status)


@require_GET
@auditor_only
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        return render(request, "errors/404.html", {"message": "只能导出 csv 或 xlsx", "home": "/audit/"}, status=404)
    form = _filters(request)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/events.html", {"form": form, "rows": [], "nav": "audit"}, status=400)
    filters = {k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if k != "before"}
    qs = audit_events_filtered(filters=filters)
    limit = settings.AUDIT_EXPORT_MAX_ROWS
    rows = qs[:limit + 1].count()
    if rows > limit:
        return render(request, "audit/events.html", {
            "form": form, "rows": [], "nav": "audit", "query": _query(request),
            "error": f"符合条件的记录超过 {limit} 条，请缩小时间范围后再导出"}, status=400)
    name = f"审计记录_{timezone.localtime():%Y%m%d%H%M%S}.{fmt}"
    # Recorded before the file is built, so the export's own row is not in it but always exists.
    audit_file(action=AuditAction.EXPORTED, request=request, file_name=name, rows=rows)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(qs), content_type="text/csv; charset=utf-8")
    else:
        response = FileResponse(exports.xlsx_file(qs), content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
