"""The assessment pages: /assessment/ (the month's ranking, or a unit's own score), the publish
button and the xlsx download. Thin: reads through selectors, the write through services."""
import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction
from audit.services import audit_file
from hotline.errors import HotlineError

from .access import assessment_scope, may_publish
from .indicators import BY_CODE
from .months import current_month, label, month_of, previous_month
from .selectors import month_result, published_months
from .services import assessment_month_publish


def assessment_view(view):
    """Login, the role's scope, and bad input as a page with the message (never a 500)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, assessment_scope(request.user), *args, **kwargs)
        except HotlineError as exc:
            return render(request, "assessment/error.html", {"message": exc.message, "nav": "assessment"},
                          status=exc.status_code)

    return wrapper


def chosen_month(request):
    value = request.GET.get("month") or request.POST.get("month")
    return month_of(value) if value else previous_month(current_month())


def visible_scores(result, scope):
    """The centre sees every unit; unit staff only the assessed unit their own unit belongs to."""
    if scope is None:
        return result.scores
    ancestors = {int(u) for u in scope.path.split("/") if u} | {scope.pk}
    return [s for s in result.scores if s.unit_id in ancestors][:1]


def indicator_columns(result) -> list[dict]:
    if result.scheme is None:
        return []
    return [{"code": i.code, "label": BY_CODE[i.code].label, "is_rate": BY_CODE[i.code].is_rate, "rule": i,
             "definition": BY_CODE[i.code].definition}
            for i in result.scheme.indicators.all()]


@require_GET
@assessment_view
def page(request, scope):
    month = chosen_month(request)
    result = month_result(month=month)
    rows = visible_scores(result, scope)
    columns = indicator_columns(result)
    for row in rows:
        setattr_cells(row, [shown(row.indicators.get(c["code"], {}), c["is_rate"]) for c in columns])
    return render(request, "assessment/page.html", {
        "nav": "assessment", "month": month, "month_label": label(month), "month_value": f"{month:%Y-%m}",
        "result": result, "rows": rows, "columns": columns, "scope": scope,
        "may_publish": scope is None and may_publish(request.user) and result.published is None
        and result.scheme is not None and month < current_month(),
        "published_months": published_months()[:24] if scope is None else [],
    })


def shown(item: dict, is_rate: bool) -> dict:
    value = item.get("value")
    if is_rate:
        text = "—" if value is None else f"{value * 100:.1f}%"
        if value is not None and item.get("denominator"):
            text += f"（{item.get('count')}/{item.get('denominator')}）"
    else:
        text = "—" if value is None else f"{value}件"
    return {"value": text, "points": item.get("points")}


def setattr_cells(row, cells) -> None:
    # UnitScore is frozen (the shared interface): the template's cells ride beside it.
    object.__setattr__(row, "cells", cells)


@require_POST
@assessment_view
def publish(request, scope):
    month = chosen_month(request)
    try:
        assessment_month_publish(month=month, actor=request.user, request=request)
    except HotlineError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{label(month)}考核结果已发布，此后不再变动")
    return redirect(f"/assessment/?month={month:%Y-%m}")


@require_GET
@assessment_view
def export_xlsx(request, scope):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    month = chosen_month(request)
    result = month_result(month=month)
    rows = visible_scores(result, scope)
    columns = indicator_columns(result)
    book = Workbook()
    sheet = book.active
    sheet.title = "考核排名"
    header = ["名次", "单位", "总分"]
    for column in columns:
        header += [f"{column['label']}（{'比率' if column['is_rate'] else '件数'}）", f"{column['label']}得分"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        line = [row.rank, row.unit_name, row.score]
        for column in columns:
            item = row.indicators.get(column["code"], {})
            line += [item.get("value"), item.get("points")]
        sheet.append(line)
        for index, column in enumerate(columns):
            if column["is_rate"]:
                sheet.cell(row=sheet.max_row, column=4 + 2 * index).number_format = "0.0%"
    notes = book.create_sheet("说明")
    notes.append(["月份", label(month)])
    notes.append(["状态", "已发布（冻结）" if result.published else "未发布（实时计算）"])
    notes.append(["考核方案", str(result.scheme) if result.scheme else "无"])
    for definition in (BY_CODE[c["code"]] for c in columns):
        notes.append([definition.label, definition.definition])
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"assessment-{month:%Y-%m}.xlsx"
    audit_file(action=AuditAction.EXPORTED, request=request, file_name=name, rows=len(rows),
               detail={"month": month.isoformat()})
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
