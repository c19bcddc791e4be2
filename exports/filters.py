"""The lists an export is made from, with the very filters of the page the user is looking at.

A source names the list (`tickets`: the centre's 工单查询 /tickets/, `unit`: a unit's 查询
/unit/search/, `api`: the REST list /api/tickets/ and its filters); the rest of the query string
is that list's filter, validated as the list validates it (a bad value is a 400 here, where the
page would quietly show everything). Every source starts from
dispatch.visibility.tickets_visible_to: a unit only its own, an outsider nothing."""

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from dispatch.deadlines import light_q
from dispatch.selectors import approval_queue, office_search_filter, unit_ticket_search
from dispatch.visibility import tickets_visible_to
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Role, TicketState, TicketType
from hotline.permissions import ALL_STAFF, HOTLINE_STAFF
from hotline.validation import MAX_ID

# The query-string keys the export itself reads; every other key is the list's filter.
OWN_KEYS = frozenset({"source", "format", "columns", "csrfmiddlewaretoken"})
QUEUES = ("approval", "returned", "red", "yellow", "with_leader")
LIGHTS = (("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯"))


class OfficeSearchFilter(forms.Form):
    """工单查询's conditions (web.forms.SearchForm), strict: an unknown value is an error."""

    q = forms.CharField(max_length=100, required=False)
    state = forms.ChoiceField(choices=[("", ""), *TicketState.choices], required=False)
    ticket_type = forms.ChoiceField(choices=[("", ""), *TicketType.choices], required=False)
    light = forms.ChoiceField(choices=[("", ""), *LIGHTS], required=False)
    unit = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    queue = forms.ChoiceField(choices=[("", ""), *((q, q) for q in QUEUES)], required=False)
    page = forms.IntegerField(required=False)  # the page's pager: read and ignored


class UnitSearchFilter(forms.Form):
    """A unit's 查询 (web.forms.UnitSearchForm)."""

    q = forms.CharField(max_length=100, required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    page = forms.IntegerField(required=False)


def _checked(form: forms.Form) -> dict:
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(f"筛选条件 {field} 无效：{errors[0]}", field=field)
    return form.cleaned_data


def _unknown_keys(params: QueryDict, form_class) -> None:
    unknown = sorted(set(params) - set(form_class.base_fields))
    if unknown:
        raise InvalidInput(f"未知的筛选条件：{'、'.join(unknown)}", field=unknown[0])


def office_search(user, params: QueryDict) -> QuerySet:
    """web.views.tickets.search_queryset's rows (without its page order)."""
    if user.role not in HOTLINE_STAFF:
        raise NotAllowed("只有热线中心可以导出工单查询的结果")
    _unknown_keys(params, OfficeSearchFilter)
    data = _checked(OfficeSearchFilter(params))
    qs, now = tickets_visible_to(user), timezone.now()
    queue = data["queue"]
    if queue == "approval":
        qs = qs & approval_queue()
    elif queue == "returned":
        qs = qs.filter(state="returned")
    elif queue == "with_leader":
        qs = qs.filter(state="pending_approval")
    elif queue in ("red", "yellow"):
        qs = qs.filter(light_q(queue, now))
    return office_search_filter(qs, q=data["q"], state=data["state"], ticket_type=data["ticket_type"],
                                light=data["light"], unit=data["unit"], date_from=data["date_from"],
                                date_to=data["date_to"], now=now)


def unit_search(user, params: QueryDict) -> QuerySet:
    if user.role != Role.UNIT_STAFF or not user.unit_id:
        raise NotAllowed("只有承办单位可以导出本单位的查询结果")
    _unknown_keys(params, UnitSearchFilter)
    data = _checked(UnitSearchFilter(params))
    if data["date_from"] and data["date_to"] and data["date_from"] > data["date_to"]:
        raise InvalidInput("结束日期不能早于开始日期", field="date_to")
    return unit_ticket_search(user, q=data["q"], date_from=data["date_from"], date_to=data["date_to"])


def api_list(user, params: QueryDict, request=None) -> QuerySet:
    """/api/tickets/'s filters (api.filters.TicketFilter), the one definition of that filter
    language: imported rather than copied so that the two cannot drift."""
    from api.filters import TicketFilter

    known = set(TicketFilter.base_filters) | {"cursor", "page_size", "ordering"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidInput(f"未知的筛选条件：{'、'.join(unknown)}", field=unknown[0])
    filterset = TicketFilter(params, queryset=tickets_visible_to(user), request=request)
    if not filterset.is_valid():
        field, errors = next(iter(filterset.errors.items()))
        raise InvalidInput(f"筛选条件 {field} 无效：{errors[0]}", field=field)
    return filterset.qs


SOURCES = {"tickets": office_search, "unit": unit_search, "api": api_list}
SOURCE_LABELS = {"tickets": "工单查询", "unit": "本单位工单查询", "api": "工单接口列表"}


def filter_params(query: QueryDict) -> QueryDict:
    params = query.copy()
    for key in OWN_KEYS:
        params.pop(key, None)
    return params


def tickets_for_export(*, user, source: str, params: QueryDict, request=None) -> QuerySet:
    """The rows of the list `source` as `user` sees it, filtered by `params`."""
    if user is None or not user.is_authenticated or user.role not in ALL_STAFF:
        raise NotAllowed("无权导出工单")
    make = SOURCES.get(source)
    if make is None:
        raise InvalidInput(f"未知的工单列表：{source or '（未指定）'}", field="source")
    if source == "api":
        return make(user, params, request)
    return make(user, params)
