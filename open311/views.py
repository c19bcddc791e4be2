"""GeoReport v2 endpoints under /open311/v2/ (docs/OPEN311.md). Each view reads its parameters,
calls one selector or service and answers in the format its path asks for (.json or .xml).

discovery and services are public (the taxonomy); POST and GET requests need the partner's
api_key, and a key sees only the requests it filed."""
import re
from functools import wraps

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from hotline.errors import HotlineError

from . import selectors
from .formats import answer, errors
from .services import RequestInput, partner_key_used, partner_key_wait, service_request_file

ATTRIBUTE_RE = re.compile(r"^attribute\[([A-Za-z0-9_-]{1,50})\]$")
CHANGESET = "2026-12-05T00:00:00+08:00"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def with_key(view):
    """api_key (POST body or query string) → the enabled key, within its own rate limit."""

    @wraps(view)
    def checked(request, fmt, *args, **kwargs):
        source = request.POST if request.method == "POST" else request.GET
        raw = source.get("api_key", "")
        if not raw:
            return errors(fmt, 403, "api_key 缺失：请使用热线中心发放的合作方密钥")
        key = selectors.key_for(raw)
        if key is None:
            return errors(fmt, 403, "api_key 无效")
        if not key.is_enabled or not key.user.is_active:
            return errors(fmt, 403, "api_key 已停用")
        wait = partner_key_wait(key=key)
        if wait:
            response = errors(fmt, 429, f"请求过于频繁，请{wait}秒后再试")
            response["Retry-After"] = str(wait)
            return response
        response = view(request, fmt, *args, key=key, **kwargs)
        partner_key_used(key=key, filed=int(request.method == "POST" and response.status_code == 200))
        return response

    return checked


def domain_errors(view):
    """The services' errors as the spec's: 400 bad input, 403 not allowed, 404 unknown, 409 conflict."""

    @wraps(view)
    def guarded(request, fmt, *args, **kwargs):
        try:
            return view(request, fmt, *args, **kwargs)
        except HotlineError as error:
            where = f"{error.field}：" if error.field and error.field not in error.message else ""
            return errors(fmt, error.status_code, f"{where}{error.message}")

    return guarded


@require_GET
def discovery(request, fmt):
    formats = ["text/xml", "application/json"]
    return answer(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "12345政务服务便民热线"),
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "向12345热线中心管理员申请合作方密钥（api_key）"),
        "endpoints": [{"specification": SPECIFICATION, "url": request.build_absolute_uri("/open311/v2"),
                       "changeset": CHANGESET, "type": "production", "formats": formats}],
    })


def _service(category, with_definition: set[int]) -> dict:
    return {"service_code": str(category.pk), "service_name": category.name,
            "description": category.full_name.replace("/", " > "),
            "metadata": category.pk in with_definition, "type": "realtime",
            "keywords": selectors.service_keywords(category), "group": selectors.group_of(category)}


@require_GET
def services(request, fmt):
    defined = selectors.codes_with_definition()
    return answer(fmt, "services", [_service(c, defined) for c in selectors.service_categories()])


@require_GET
def service_definition(request, fmt, service_code):
    category = selectors.service_by_code(service_code)
    if category is None:
        return errors(fmt, 404, f"service_code「{service_code[:20]}」不存在")
    attributes = []
    for attribute in selectors.service_attributes(category):
        item = {"variable": attribute.variable, "code": attribute.code, "datatype": attribute.datatype,
                "required": attribute.required, "datatype_description": attribute.datatype_description,
                "order": attribute.order, "description": attribute.description}
        if attribute.datatype in ("singlevaluelist", "multivaluelist"):
            item["values"] = [{"key": v.key, "name": v.name} for v in attribute.values.all()]
        attributes.append(item)
    return answer(fmt, "service_definition", {"service_code": str(category.pk), "attributes": attributes})


@csrf_exempt  # a partner system posts with its api_key, never with a browser's cookies
@require_http_methods(["GET", "POST"])
def requests_(request, fmt):
    return _file(request, fmt) if request.method == "POST" else _search(request, fmt)


@with_key
@domain_errors
def _file(request, fmt, *, key):
    form = request.POST
    code = form.get("service_code", "").strip()
    if not code:
        return errors(fmt, 400, "service_code 缺失")
    category = selectors.service_by_code(code)
    if category is None:
        return errors(fmt, 404, f"service_code「{code[:20]}」不存在")
    attributes = {}
    for name in form:
        match = ATTRIBUTE_RE.match(name)
        if match:
            attributes[match.group(1)] = form.getlist(name)
        elif name.startswith("attribute["):
            return errors(fmt, 400, f"{name[:60]} 格式无效")
    fields = {name: form.get(name, "") for name in (
        "lat", "long", "address_string", "address_id", "email", "phone", "first_name", "last_name",
        "description", "media_url")}
    ticket = service_request_file(key=key, service=category,
                                  attributes=selectors.service_attributes(category),
                                  data=RequestInput(service_code=code, attributes=attributes, **fields))
    return answer(fmt, "service_requests", [{"service_request_id": ticket.number,
                                             "service_notice": selectors.service_notice(ticket),
                                             "account_id": None}])


def _dates(params, fmt):
    """(start, end, error response)."""
    found = {}
    for name in ("start_date", "end_date"):
        raw = params.get(name, "").strip()
        if not raw:
            continue
        value = parse_datetime(raw)
        if value is None:
            return None, None, errors(fmt, 400, f"{name} 须为 ISO 8601 日期时间，如 2026-12-01T00:00:00+08:00")
        found[name] = value if timezone.is_aware(value) else timezone.make_aware(value)
    start, end = found.get("start_date"), found.get("end_date")
    if start and end:
        if start > end:
            return None, None, errors(fmt, 400, "start_date 不能晚于 end_date")
        if end - start > selectors.DEFAULT_WINDOW:
            return None, None, errors(fmt, 400, "start_date 与 end_date 相隔不能超过90天")
    elif start:
        end = min(start + selectors.DEFAULT_WINDOW, timezone.now())
    elif end:
        start = end - selectors.DEFAULT_WINDOW
    return start, end, None


def _list_param(params, name: str) -> list[str]:
    return [part.strip() for raw in params.getlist(name) for part in raw.split(",") if part.strip()]


@with_key
def _search(request, fmt, *, key):
    params = request.GET
    ids = _list_param(params, "service_request_id")
    codes = _list_param(params, "service_code")
    if any(not c.isdigit() or len(c) > 9 for c in codes):
        return errors(fmt, 400, "service_code 须为服务列表中的代码")
    statuses = _list_param(params, "status")
    if any(s not in ("open", "closed") for s in statuses):
        return errors(fmt, 400, "status 只能是 open 或 closed")
    start, end, refused = _dates(params, fmt)
    if refused:
        return refused
    found = selectors.requests_search(key, ids=ids, service_codes=[int(c) for c in codes], start=start, end=end,
                                      statuses=statuses)
    return answer(fmt, "service_requests", [selectors.request_as_seen_by_partner(t) for t in found])


@require_GET
@with_key
def request_detail(request, fmt, service_request_id, *, key):
    ticket = selectors.request_by_id(key, service_request_id)
    if ticket is None:  # another key's request too: it does not exist for this key
        return errors(fmt, 404, f"service_request_id「{service_request_id[:20]}」不存在")
    return answer(fmt, "service_requests", [selectors.request_as_seen_by_partner(ticket)])
