"""The area map of the reports (/reports/areas/): the county's towns coloured by how many tickets
they had in a period, red lights marked; a town's tickets one click away. Who sees what is the
reports' rule (reports.access.report_scope): city-wide readers the county, a unit its own."""
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from dispatch.deadlines import ticket_light
from hotline.errors import InvalidInput
from hotline.models import Light, Role
from reports.filters import parse_filters
from reports.views.pages import report_view, shown_titles

from .geo import county
from .selectors import UNPLACED, Period, area_counts, area_tickets

LIST_PAGE = 50


def _period(request, scope) -> Period:
    filters, _ = parse_filters(request.GET, scope_unit=scope)
    return Period(filters.start, filters.end)


@require_GET
@report_view
def area_map(request, scope):
    period = _period(request, scope)
    counts = area_counts(user=request.user, whole_county=scope is None, period=period)
    return render(request, "places/area_map.html", {
        "scope": scope, "period": period, "counts": counts, "county_name": county().name,
        "map_config": {"geojson": static("places/county.geojson"), "drill": "/reports/areas/tickets/",
                       "start": period.start.isoformat(), "end": period.end.isoformat(), **counts},
    })


@require_GET
@report_view
def area_data(request, scope):
    """The map's figures as JSON (the page embeds the same with json_script)."""
    try:
        period = _period(request, scope)
    except InvalidInput as exc:
        return JsonResponse({"error": {"message": exc.message, "field": exc.field}}, status=400)
    return JsonResponse(area_counts(user=request.user, whole_county=scope is None, period=period))


@require_GET
@report_view
def area_list(request, scope):
    period = _period(request, scope)
    area = request.GET.get("area", "").strip()
    if area != UNPLACED and area not in county().towns:
        raise InvalidInput(f"区域「{area[:20]}」不在本县乡镇列表中", field="area")
    light = request.GET.get("light", "")
    if light not in ("", Light.RED):
        raise InvalidInput("light 只能是 red", field="light")
    qs = area_tickets(user=request.user, whole_county=scope is None, period=period, area=area, light=light)
    page = Paginator(qs.select_related("lead_unit", "category"), LIST_PAGE).get_page(request.GET.get("page"))
    rows = shown_titles(request.user, page.object_list)
    now = timezone.now()
    for ticket in rows:
        ticket.light = ticket_light(ticket, now)
    return render(request, "places/area_list.html", {
        "scope": scope, "period": period, "area": area, "light": light, "rows": rows, "page": page,
        "detail_prefix": "/unit/tickets/" if request.user.role == Role.UNIT_STAFF else "/tickets/",
    })
