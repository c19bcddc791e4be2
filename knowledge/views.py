"""The centre's and the units' upkeep pages under /knowledge/ (thin: forms parse, services write,
selectors read). The operator's and the citizens' views of points live with the console and the portal."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_file
from hotline.errors import HotlineError, InvalidInput, NotAllowed, NotFound
from hotline.models import Role

from . import selectors
from .forms import ImportForm, NoteForm, PointForm, SynonymsForm
from .models import KnowledgePoint, KnowledgeSynonym
from .services import imports
from .services import points as services
from .services.expiry import points_expiring_for
from .services.synonyms import synonyms_replace

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.UNIT_STAFF, Role.OPERATOR, Role.LEADER)
PAGE_ROWS = 200


def knowledge_page(view):
    """Signed in with a staff role; a domain error is a page with its message (never a 500)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_role(*READERS):
            return render(request, "errors/403.html", {"home": "/"}, status=403)
        try:
            return view(request, *args, **kwargs)
        except (NotFound, NotAllowed) as exc:
            template = "errors/404.html" if isinstance(exc, NotFound) else "errors/403.html"
            return render(request, template, {"message": exc.message, "home": "/knowledge/"},
                          status=exc.status_code)

    return wrapper


def context(request, **extra) -> dict:
    user = request.user
    return {"nav": "knowledge", "is_centre": services.is_centre(user),
            "may_write": services.is_centre(user) or services.is_unit_staff(user), **extra}


def on_form(form, exc: HotlineError) -> None:
    field = exc.field if isinstance(exc, InvalidInput) and exc.field in form.fields else None
    form.add_error(field, exc.message)


@knowledge_page
def point_list(request):
    state = request.GET.get("state", "")
    words = request.GET.get("q", "").strip()[:100]
    points = selectors.points_visible_to(request.user).order_by("-updated_at", "-id")
    if state in KnowledgePoint.State.values:
        points = points.filter(state=state)
    if words:
        points = points.filter(title__icontains=words)
    return render(request, "knowledge/list.html", context(
        request, points=points[:PAGE_ROWS], state=state, q=words, states=KnowledgePoint.State.choices,
        expiring=points_expiring_for(request.user),
        waiting=selectors.review_queue().count() if services.is_centre(request.user) else 0))


@knowledge_page
def point_new(request):
    form = PointForm(request.POST or None, initial={"unit": request.user.unit_id})
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_create(actor=request.user, fields=form.point_fields(),
                                          submit="submit" in request.POST)
        except HotlineError as exc:
            if isinstance(exc, NotAllowed) and not exc.field:
                raise
            on_form(form, exc)
        else:
            messages.success(request, "知识点已保存" + ("并提交审核" if point.state == "pending" else "为草稿"))
            return redirect(f"/knowledge/{point.pk}/")
    return render(request, "knowledge/edit.html", context(request, form=form, point=None))


@knowledge_page
def point_edit(request, pk):
    point = services.point_for(request.user, pk)
    services.require_writer(request.user, point)
    form = PointForm(request.POST or None, initial=PointForm.initial_of(point))
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_update(point=point, actor=request.user, fields=form.point_fields(),
                                          note=form.cleaned_data["note"])
            if "submit" in request.POST and point.state == KnowledgePoint.State.DRAFT:
                point = services.point_submit(point=point, actor=request.user)
        except HotlineError as exc:
            on_form(form, exc)
        else:
            messages.success(request, "修改已提交审核，审核通过前仍显示已发布的内容" if point.revision else "已保存")
            return redirect(f"/knowledge/{point.pk}/")
    return render(request, "knowledge/edit.html", context(request, form=form, point=point))


@knowledge_page
def point_detail(request, pk):
    point = services.point_for(request.user, pk)
    may_edit = services.is_centre(request.user) or (services.is_unit_staff(request.user)
                                                    and point.unit_id == request.user.unit_id)
    return render(request, "knowledge/detail.html", context(
        request, point=point, versions=selectors.point_versions(point)[:50], may_edit=may_edit,
        revision=services.from_snapshot(point.revision) if point.revision else None, note_form=NoteForm()))


ACTIONS = {
    "submit": (services.point_submit, "已提交审核"),
    "publish": (services.point_publish, "已发布"),
    "send-back": (services.point_send_back, "已退回修改"),
    "withdraw": (services.point_withdraw, "已撤回，检索和公开页面不再显示"),
}


@require_POST
@knowledge_page
def point_act(request, pk, name):
    if name not in ACTIONS:
        raise NotFound("没有这个操作")
    point = services.point_for(request.user, pk)
    service, done = ACTIONS[name]
    kwargs = {"note": request.POST.get("note", "")} if name in ("send-back", "withdraw") else {}
    try:
        service(point=point, actor=request.user, **kwargs)
    except (InvalidInput, HotlineError) as exc:
        if isinstance(exc, NotFound | NotAllowed):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/knowledge/") else f"/knowledge/{point.pk}/")


@knowledge_page
def review(request):
    if not services.is_centre(request.user):
        raise NotAllowed("只有热线中心可以审核知识点")
    return render(request, "knowledge/review.html", context(request, points=selectors.review_queue()[:PAGE_ROWS]))


@knowledge_page
def import_page(request):
    if not (services.is_centre(request.user) or services.is_unit_staff(request.user)):
        raise NotAllowed("您的角色无权导入知识点")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.points_import(actor=request.user, name=upload.name, content=upload.read(),
                                       publish=form.cleaned_data["publish"])
        if result.ok:
            messages.success(request, f"导入完成：新增 {result.created} 条，更新 {result.updated} 条")
            return redirect("/knowledge/")
    return render(request, "knowledge/import.html", context(request, form=form, result=result))


@knowledge_page
def template_file(request):
    return _download(imports.export_xlsx([], template=True), "知识点导入模板.xlsx", XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, name: str, kind: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@knowledge_page
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise NotFound("只能导出 csv 或 xlsx")
    points = selectors.points_visible_to(request.user).order_by("id")
    state = request.GET.get("state", "")
    if state in KnowledgePoint.State.values:
        points = points.filter(state=state)
    name = f"知识点.{fmt}"
    audit_file(action=AuditAction.EXPORTED, request=request, file_name=name, rows=points.count())
    if fmt == "xlsx":
        return _download(imports.export_xlsx(points), name, XLSX)
    return _download(imports.export_csv(points), name, "text/csv; charset=utf-8")


@knowledge_page
def synonyms_page(request):
    if not services.is_centre(request.user):
        raise NotAllowed("只有热线中心可以维护同义词")
    current = "\n".join(KnowledgeSynonym.objects.order_by("id").values_list("words", flat=True))
    form = SynonymsForm(request.POST or None, initial={"text": current})
    if request.method == "POST" and form.is_valid():
        count = synonyms_replace(actor=request.user, lines=form.cleaned_data["text"].splitlines())
        messages.success(request, f"已保存 {count} 组同义词，相关知识点已重新索引")
        return redirect("/knowledge/synonyms/")
    return render(request, "knowledge/synonyms.html", context(request, form=form))


urlpatterns = [
    path("knowledge/", point_list, name="knowledge-list"),
    path("knowledge/new/", point_new, name="knowledge-new"),
    path("knowledge/review/", review, name="knowledge-review"),
    path("knowledge/import/", import_page, name="knowledge-import"),
    path("knowledge/template.xlsx", template_file, name="knowledge-template"),
    path("knowledge/export.<str:fmt>", export, name="knowledge-export"),
    path("knowledge/synonyms/", synonyms_page, name="knowledge-synonyms"),
    path("knowledge/<int:pk>/", point_detail, name="knowledge-detail"),
    path("knowledge/<int:pk>/edit/", point_edit, name="knowledge-edit"),
    path("knowledge/<int:pk>/<str:name>/", point_act, name="knowledge-act"),
]
