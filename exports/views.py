"""工单明细导出: the column chooser and the streamed file. Thin: the list comes from
exports.filters, the rows from exports.selectors, the bytes from exports.writers, the audit line
from exports.services."""
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from hotline.errors import HotlineError, InvalidInput
from hotline.permissions import ALL_STAFF

from .columns import COLUMNS
from .filters import SOURCE_LABELS, filter_params, tickets_for_export
from .memory import fix_mmap_threshold
from .selectors import export_batches, parse_columns, sight_label
from .services import export_record
from .writers import CSV_RENDER, XLSX_MAX_ROWS, XLSX_RENDER, csv_stream, xlsx_stream

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def max_rows() -> int:
    """EXPORTS_MAX_ROWS: above it an export is refused (400) with the count; never above a sheet's rows."""
    return min(int(getattr(settings, "EXPORTS_MAX_ROWS", XLSX_MAX_ROWS - 1)), XLSX_MAX_ROWS - 1)


def _refused(request, error: HotlineError) -> HttpResponse:
    return render(request, "exports/error.html", {"message": error.message, "nav": "tickets"},
                  status=error.status_code)


def _staff_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.role not in ALL_STAFF:
        return render(request, "exports/error.html", {"message": "无权导出工单"}, status=403)
    return None


@require_GET
def export_chooser(request):
    """The column chooser: the list's filter rides along as hidden fields."""
    denied = _staff_only(request)
    if denied is not None:
        return denied
    source = request.GET.get("source", "")
    params = filter_params(request.GET)
    try:
        tickets_for_export(user=request.user, source=source, params=params, request=request)
    except HotlineError as error:
        return _refused(request, error)
    return render(request, "exports/chooser.html", {
        "source": source, "source_label": SOURCE_LABELS[source], "columns": COLUMNS,
        "hidden": [(k, v) for k, values in params.lists() for v in values if k != "page"],
        "max_rows": max_rows(), "nav": "tickets",
    })


@require_GET
def export_download(request):
    denied = _staff_only(request)
    if denied is not None:
        return denied
    user, source = request.user, request.GET.get("source", "")
    file_format = request.GET.get("format", "")
    try:
        if file_format not in FORMATS:
            raise InvalidInput("请选择导出格式：xlsx 或 csv", field="format")
        columns = parse_columns(",".join(request.GET.getlist("columns")))
        params = filter_params(request.GET)
        params.pop("page", None)
        queryset = tickets_for_export(user=user, source=source, params=params, request=request)
        cap = max_rows()
        if queryset.order_by()[:cap + 1].count() > cap:
            raise InvalidInput(f"符合条件的工单超过 {cap:,} 条，请缩小筛选范围（例如按登记日期分段）后再导出",
                               field="rows")
    except HotlineError as error:
        return _refused(request, error)

    fix_mmap_threshold()
    now = timezone.now()
    file_name = f"工单明细-{timezone.localtime(now):%Y%m%d-%H%M%S}.{file_format}"
    header = [column.label for column in columns]
    sent = {"rows": 0}

    render = CSV_RENDER if file_format == "csv" else XLSX_RENDER

    def counted():
        for batch in export_batches(queryset=queryset, columns=columns, role=user.role, now=now, render=render):
            sent["rows"] += len(batch)
            yield batch

    body = (csv_stream if file_format == "csv" else xlsx_stream)(header, counted())

    def recorded():
        completed = False
        try:
            yield from body
            completed = True
        finally:
            export_record(request=request, file_name=file_name, source=source, file_format=file_format,
                          columns=[c.key for c in columns], rows=sent["rows"], completed=completed,
                          sight=sight_label(user.role))

    response = StreamingHttpResponse(recorded(), content_type=FORMATS[file_format])
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx passes the bytes on as they come
    return response
