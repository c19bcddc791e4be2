"""/bulletins/: the list (filters by kind and month), downloads (audited), regeneration (centre)."""
import datetime as dt
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction
from audit.services import audit_file
from hotline.errors import HotlineError, InvalidInput, NotFound
from hotline.permissions import OFFICE

from .models import Bulletin, BulletinTemplate, Kind
from .selectors import bulletin_list, require_reader
from .services import bulletin_generate

CONTENT_TYPES = {"pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PAGE_ROWS = 200


def reader_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            require_reader(request.user)
            return view(request, *args, **kwargs)
        except HotlineError as exc:
            return render(request, "bulletins/error.html", {"message": exc.message}, status=exc.status_code)

    return wrapper


def _month(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(f"{raw}-01")
    except ValueError:
        raise InvalidInput("月份格式应为 YYYY-MM", field="month")


@require_GET
@reader_view
def bulletin_index(request):
    kind = request.GET.get("kind", "")
    month = _month(request.GET.get("month", "").strip())
    rows = list(bulletin_list(kind=kind, month=month)[:PAGE_ROWS])
    return render(request, "bulletins/list.html", {
        "rows": rows, "kinds": Kind.choices, "kind": kind, "month": request.GET.get("month", ""),
        "may_generate": request.user.has_role(*OFFICE),
        "templates": BulletinTemplate.objects.filter(is_active=True) if request.user.has_role(*OFFICE) else [],
    })


@require_GET
@reader_view
def bulletin_download(request, pk: int, fmt: str):
    bulletin = Bulletin.objects.filter(pk=pk).first()
    if bulletin is None or fmt not in CONTENT_TYPES:
        raise NotFound("通报不存在")
    stored = getattr(bulletin, fmt)
    if not stored:
        raise NotFound("通报文件不存在")
    name = f"{bulletin.title}.{fmt}"
    audit_file(action=AuditAction.DOWNLOADED, request=request, file_name=name, target=bulletin)
    return FileResponse(stored.open("rb"), as_attachment=fmt == "xlsx", filename=name,
                        content_type=CONTENT_TYPES[fmt])


@require_POST
@reader_view
def bulletin_regenerate(request):
    template = BulletinTemplate.objects.filter(pk=request.POST.get("template") or 0).first()
    if template is None:
        raise InvalidInput("请选择通报模板", field="template")
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        raise InvalidInput("请填写统计期内的日期", field="day")
    bulletin_generate(template=template, period_start=day, actor=request.user)
    return HttpResponseRedirect(f"/bulletins/?kind={template.kind}")
