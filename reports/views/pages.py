"""Report pages (/reports/…) and exports. Read-only except the refresh button."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction
from audit.services import audit_file
from dispatch.deadlines import light_q
from dispatch.visibility import tickets_visible_to
from hotline.errors import HotlineError, InvalidInput, NotAllowed
from hotline.models import Category, Channel, Light, Role, Ticket, TicketType, Unit
from hotline.privacy import is_centre, tickets_as_seen_by

from .. import charts, exports, kpis, rollup
from ..access import may_refresh, report_scope
from ..filters import parse_filters, query_string
from ..intelligence import hot_topics as topics

LIGHT_ROWS = 100


def report_view(view):
    """Login, role scope and bad input as pages with a message (never a 500)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            scope = report_scope(request.user)
            return view(request, scope, *args, **kwargs)
        except HotlineError as exc:
            status = exc.status_code
            return render(request, "reports/error.html", {"message": exc.message}, status=status)

    return wrapper


def freshness() -> dict:
    state = rollup.last_refresh()
    return {"refreshed_at": state.refreshed_at if state else None,
            "duration_ms": state.duration_ms if state else None}


def common(request, scope, filters, granularity) -> dict:
    units = Unit.objects.filter(is_active=True)
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    return {
        "filters": filters, "granularity": granularity, "qs": query_string(filters, granularity),
        "scope": scope, "units": units.order_by("path"), "channels": Channel.choices,
        "types": TicketType.choices, "granularities": kpis.GRANULARITIES.items(),
        "categories": Category.objects.filter(level__lte=2).order_by("full_name"),
        "fresh": freshness(), "may_refresh": may_refresh(request.user), "kpi_defs": kpis.KPIS,
        "unit_kpi_defs": kpis.UNIT_KPIS,
        "score_definition": kpis.score_definition(),
    }


LIGHT_CACHE_SECONDS = 30


def light_counts(request, scope) -> dict:
    """Red and yellow counts, at most LIGHT_CACHE_SECONDS old (counting a city's open
    tickets on every page view is the one thing here that grows with the ticket table).
    City-wide, they come from the display snapshot, which the periodic task rebuilds."""
    if scope is None:
        from .. import display

        entry = cache.get(display.CACHE_KEY)  # never rebuild the snapshot inside a report request
        if entry is not None:
            return entry["snapshot"]["cards"]
    key = f"reports:lights:{scope.pk if scope else 'all'}"
    counts = cache.get(key)
    if counts is None:
        now = timezone.now()
        base = _light_base(request, scope)
        counts = {"red": base.filter(light_q(Light.RED, now)).count(),
                  "yellow": base.filter(light_q(Light.YELLOW, now)).count()}
        cache.set(key, counts, LIGHT_CACHE_SECONDS)
    return counts


def _light_base(request, scope):
    return Ticket.objects.all() if scope is None else tickets_visible_to(request.user)


@require_GET
@report_view
def dashboard(request, scope):
    filters, granularity = parse_filters(request.GET, scope_unit=scope)
    total = kpis.totals(filters)
    cards = [{"kpi": k, "value": total[k.key], "num": total[k.numerator], "den": total[k.denominator]}
             for k in kpis.KPIS]
    breakdowns = {dim: kpis.breakdown(filters, dim) for dim in ("channel", "ticket_type", "cat1")}
    trend = kpis.trend(filters, granularity)
    ranking = kpis.unit_ranking(filters)
    chart = charts.chart_data(filters, granularity, trend=trend, breakdowns=breakdowns, ranking=ranking)
    return render(request, "reports/dashboard.html", {
        **common(request, scope, filters, granularity), "total": total, "cards": cards,
        "breakdowns": breakdowns, "trend": trend, "ranking": ranking[:10], "chart": chart,
        "lights": light_counts(request, scope),
        "topics": topics.rising(days=7, limit=12) if scope is None else [],
    })


@require_GET
@report_view
def charts_json(request, scope):
    """The dashboard's chart figures for the same filters (issue 18 item 6), in the viewer's scope."""
    filters, granularity = parse_filters(request.GET, scope_unit=scope)
    return JsonResponse(charts.chart_data(filters, granularity), json_dumps_params={"ensure_ascii": False})


@require_GET
@report_view
def ranking(request, scope):
    filters, granularity = parse_filters(request.GET, scope_unit=scope)
    parent = filters.unit
    return render(request, "reports/ranking.html", {
        **common(request, scope, filters, granularity), "rows": kpis.unit_ranking(filters, parent=parent),
        "part_rows": kpis.part_ranking(filters, parent=parent), "part_kpi": kpis.PART_KPI,  # issue 16
    })


CATEGORY_LEVELS = {"1": ("cat1", "一级分类"), "2": ("cat2", "二级分类"), "3": ("category", "三级分类")}


@require_GET
@report_view
def categories(request, scope):
    filters, granularity = parse_filters(request.GET, scope_unit=scope)
    level = request.GET.get("level", "1")
    if level not in CATEGORY_LEVELS:
        raise InvalidInput("level 只能是 1、2 或 3", field="level")
    dimension, label = CATEGORY_LEVELS[level]
    return render(request, "reports/categories.html", {
        **common(request, scope, filters, granularity), "rows": kpis.breakdown(filters, dimension),
        "level": level, "level_label": label, "dimension": dimension, "levels": CATEGORY_LEVELS.items(),
    })


@require_GET
@report_view
def lights(request, scope):
    light = request.GET.get("light", Light.RED)
    if light not in (Light.RED, Light.YELLOW):
        raise InvalidInput("light 只能是 red 或 yellow", field="light")
    now = timezone.now()
    rows = list(_light_base(request, scope).filter(light_q(light, now))
                .select_related("lead_unit", "category").order_by("due_at")[:LIGHT_ROWS])
    shown_titles(request.user, rows)
    return render(request, "reports/lights.html", {
        "light": light, "rows": rows, "now": now, "counts": light_counts(request, scope),
        "limit": LIGHT_ROWS, "scope": scope,
        "detail_prefix": "/unit/tickets/" if request.user.role == Role.UNIT_STAFF else "/tickets/",
    })


@require_GET
@report_view
def hot_topics(request, scope):
    if scope is not None:
        raise NotAllowed("热点分析仅对热线办和领导开放")
    try:
        days = int(request.GET.get("days", 7))
    except ValueError:
        raise InvalidInput("days 必须是整数", field="days")
    if not 1 <= days <= 90:
        raise InvalidInput("时间窗口为 1–90 天", field="days")
    area = request.GET.get("area", "")[:50]
    cat1 = request.GET.get("cat1") or None
    try:
        cat1 = int(cat1) if cat1 else None
    except ValueError:
        raise InvalidInput("cat1 必须是分类编号", field="cat1")
    term = request.GET.get("term", "").strip()[:40]
    rows = topics.rising(days=days, limit=30, area=area, cat1_id=cat1)
    tickets = shown_titles(request.user, topics.tickets_for(
        term, days=days, area=area, cat1_id=cat1, with_confidential=is_centre(request.user)) if term else [])
    return render(request, "reports/hot_topics.html", {
        "rows": rows, "term": term, "tickets": tickets, "days": days, "area": area, "cat1": cat1,
        "roots": Category.objects.filter(level=1).order_by("full_name"), "fresh": freshness(),
    })


def shown_titles(user, tickets) -> list:
    """Issue 16 item 8: each ticket's `safe_title`, its title as the user may read it (hotline.privacy)."""
    rows = list(tickets)
    for lens in tickets_as_seen_by(tickets=rows, user=user):
        lens.ticket.safe_title = lens.title
    return rows


EXPORT_KINDS = {"ranking": "单位排名", "trend": "趋势", "breakdown": "分类统计"}
# Each breakdown gets its own file (and sheet) name: a channel export is not 分类统计.
BREAKDOWN_NAMES = {"channel": "渠道统计", "ticket_type": "诉求类型统计", "cat1": "一级分类统计",
                   "cat2": "二级分类统计", "category": "三级分类统计", "unit": "承办单位统计"}


@require_GET
@report_view
def export(request, scope, fmt):
    if fmt not in ("xlsx", "csv"):
        raise InvalidInput("导出格式只能是 xlsx 或 csv", field="format")
    filters, granularity = parse_filters(request.GET, scope_unit=scope)
    kind = request.GET.get("report", "ranking")
    if kind not in EXPORT_KINDS:
        raise InvalidInput("report 只能是 ranking / trend / breakdown", field="report")
    dimension = request.GET.get("dimension", "channel")
    name = EXPORT_KINDS[kind]
    if kind == "ranking":
        rows = [{**r, "rank": r["rank"] or kpis.SHORT_SAMPLE}
                for r in kpis.unit_ranking(filters, parent=filters.unit)]
        first = "承办单位"
    elif kind == "trend":
        rows, first = kpis.trend(filters, granularity), "统计周期"
    else:
        if dimension not in kpis.DIMENSIONS:
            raise InvalidInput("dimension 无效", field="dimension")
        rows, first, name = kpis.breakdown(filters, dimension), kpis.DIMENSIONS[dimension], BREAKDOWN_NAMES[dimension]
    cols = exports.columns(kind, first)
    fresh = freshness()["refreshed_at"]
    title = f"{name}_{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    notes = [f"统计区间（受理日期）：{filters.start} 至 {filters.end}",
             f"数据截至：{timezone.localtime(fresh):%Y-%m-%d %H:%M:%S}" if fresh else "数据尚未汇总",
             f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M:%S}"]
    if fmt == "xlsx":
        body = exports.to_xlsx(name, cols, rows, notes)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.to_csv(cols, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title)}.{fmt}"
    audit_file(action=AuditAction.EXPORTED, request=request, file_name=f"{title}.{fmt}", rows=len(rows))
    return response


@require_POST
@report_view
def refresh(request, scope):
    if not may_refresh(request.user):
        raise NotAllowed("只有值班长和管理员可以立即刷新统计")
    rollup.refresh()
    back = request.POST.get("next", "/reports/")
    return redirect(back if back.startswith("/reports/") else "/reports/")


