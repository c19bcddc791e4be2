"""The Twilio-compatible Messages API and inbound webhook, so any Twilio client library can
send through the hotline's gateway.

  POST /2010-04-01/Accounts/{AccountSid}/Messages.json        To, From, Body, StatusCallback
  GET  /2010-04-01/Accounts/{AccountSid}/Messages.json        To, From, DateSent[<>], PageSize, Page, PageToken
  GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json
  POST /sms/twilio/inbound/                                   Twilio-format MO, X-Twilio-Signature checked

Shapes and error codes follow Twilio's: {"code", "message", "more_info", "status"}.
"""
import base64
import binascii
import hmac
import re
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator

from .codec import normalize_number
from .intake import receive_and_handle
from .models import ApiAccount, Message
from .services import SmsError, sms_send

API_VERSION = "2010-04-01"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
SID_RE = re.compile(r"^(SM|MM)[0-9a-f]{32}$")


def twilio_error(code: int, message: str, status: int, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(
        {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
         "status": status},
        status=status, json_dumps_params={"ensure_ascii": False},
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def rfc2822(value: datetime | None) -> str | None:
    return format_datetime(value.astimezone(UTC)) if value else None


def message_uri(account_sid: str, sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"


def message_json(message: Message, account_sid: str) -> dict:
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": rfc2822(message.date_created),
        "date_sent": rfc2822(message.date_sent),
        "date_updated": rfc2822(message.date_updated),
        "direction": message.direction,
        "error_code": message.error_code,
        "error_message": message.error_message or None,
        "from": message.from_number,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": str(message.num_segments),
        "price": None,
        "price_unit": "CNY",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": message_uri(account_sid, message.sid).replace(".json", "/Media.json")},
        "to": message.to_number,
        "uri": message_uri(account_sid, message.sid),
    }


def json_response(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def authenticate(request, account_sid: str) -> ApiAccount | JsonResponse:
    """HTTP Basic with AccountSid:AuthToken, and the URL's account must be that one."""
    challenge = {"WWW-Authenticate": 'Basic realm="Twilio API"'}
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return twilio_error(20003, "Authentication Error - No credentials provided", 401, challenge)
    try:
        username, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return twilio_error(20003, "Authentication Error - invalid credentials", 401, challenge)
    account = ApiAccount.objects.filter(sid=username, is_active=True).first()
    if account is None or not hmac.compare_digest(account.auth_token.encode(), password.encode()):
        return twilio_error(20003, "Authentication Error - invalid username or password", 401, challenge)
    if account.sid != account_sid:
        return twilio_error(20003, "Authentication Error - credentials do not match the AccountSid in the URL", 401,
                            challenge)
    return account


@csrf_exempt
def messages(request, account_sid: str):
    account = authenticate(request, account_sid)
    if isinstance(account, JsonResponse):
        return account
    if request.method == "POST":
        return _create(request, account)
    if request.method == "GET":
        return _list(request, account)
    return twilio_error(20004, "Method not allowed", 405)


@csrf_exempt
def message_detail(request, account_sid: str, sid: str):
    account = authenticate(request, account_sid)
    if isinstance(account, JsonResponse):
        return account
    if request.method != "GET":
        return twilio_error(20004, "Method not allowed", 405)
    message = Message.objects.filter(account=account, sid=sid).first()
    if message is None:
        return twilio_error(20404, f"The requested resource {request.path} was not found", 404)
    return json_response(message_json(message, account.sid))


def _create(request, account: ApiAccount):
    data = request.POST
    if data.get("MediaUrl"):
        return twilio_error(21620, "本网关不支持彩信（MediaUrl）", 400)
    try:
        message = sms_send(
            to=data.get("To", ""), body=data.get("Body", ""), from_number=data.get("From", ""),
            status_callback=data.get("StatusCallback", ""), kind="api", optional=True, account=account,
        )
    except SmsError as exc:
        return twilio_error(exc.twilio_code, exc.message, exc.status_code)
    return json_response(message_json(message, account.sid), status=201)


class BadFilter(ValueError):
    pass


def _day_bounds(raw: str, name: str) -> tuple[datetime, datetime]:
    """A DateSent value: a date (that whole UTC day) or an ISO datetime (that second)."""
    value = raw.strip()
    moment = parse_datetime(value.replace("Z", "+00:00")) if "T" in value or " " in value else None
    if moment is not None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        day = moment.astimezone(UTC).date()
        if moment.astimezone(UTC).time() != time(0):
            return moment, moment + timedelta(seconds=1)
    else:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise BadFilter(f"{name} 须为日期 YYYY-MM-DD 或 ISO 8601 时间，收到「{raw}」")
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def _filtered(request, account: ApiAccount):
    params = request.GET
    qs = Message.objects.filter(account=account)
    if params.get("To"):
        qs = qs.filter(to_number=normalize_number(params["To"]))
    if params.get("From"):
        qs = qs.filter(from_number=normalize_number(params["From"]))
    if params.get("DateSent"):
        start, end = _day_bounds(params["DateSent"], "DateSent")
        qs = qs.filter(date_sent__gte=start, date_sent__lt=end)
    if params.get("DateSent<"):
        qs = qs.filter(date_sent__lt=_day_bounds(params["DateSent<"], "DateSent<")[1])
    if params.get("DateSent>"):
        qs = qs.filter(date_sent__gte=_day_bounds(params["DateSent>"], "DateSent>")[0])
    return qs


def _page_params(request) -> tuple[int, int, str]:
    try:
        page_size = int(request.GET.get("PageSize", DEFAULT_PAGE_SIZE))
        page = int(request.GET.get("Page", 0))
    except ValueError:
        raise BadFilter("PageSize 与 Page 须为整数") from None
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise BadFilter(f"PageSize 须在 1 到 {MAX_PAGE_SIZE} 之间")
    if page < 0:
        raise BadFilter("Page 不能为负数")
    token = request.GET.get("PageToken", "")
    if token and not re.fullmatch(r"P[AB]\d{1,18}", token):
        raise BadFilter("PageToken 无效")
    return page_size, page, token


def _list(request, account: ApiAccount):
    try:
        qs = _filtered(request, account)
        page_size, page, token = _page_params(request)
    except BadFilter as exc:
        return twilio_error(20001, str(exc), 400)
    # Keyset pages, newest first: "PA<id>" = the page after (older than) id, "PB<id>" = before it.
    if token.startswith("PB"):
        rows = list(qs.filter(pk__gt=int(token[2:])).order_by("id")[:page_size])[::-1]
    else:
        if token.startswith("PA"):
            qs = qs.filter(pk__lt=int(token[2:]))
        rows = list(qs.order_by("-id")[:page_size + 1])
    has_more = len(rows) > page_size if not token.startswith("PB") else True
    rows = rows[:page_size]
    base = f"/{API_VERSION}/Accounts/{account.sid}/Messages.json"
    filters = {k: v for k, v in request.GET.items() if k in ("To", "From", "DateSent", "DateSent<", "DateSent>")}

    def uri(page_number: int, page_token: str | None) -> str:
        query = {**filters, "PageSize": page_size, "Page": page_number}
        if page_token:
            query["PageToken"] = page_token
        return f"{base}?{urlencode(query)}"

    next_uri = uri(page + 1, f"PA{rows[-1].pk}") if rows and has_more else None
    previous_uri = uri(page - 1, f"PB{rows[0].pk}") if rows and page > 0 else None
    start = page * page_size
    return json_response({
        "messages": [message_json(m, account.sid) for m in rows],
        "end": start + max(len(rows) - 1, 0),
        "first_page_uri": uri(0, None),
        "next_page_uri": next_uri,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": previous_uri,
        "start": start,
        "uri": uri(page, token or None),
    })


# --- inbound webhook -----------------------------------------------------------

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signature_valid(request, account: ApiAccount) -> bool:
    signature = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not signature:
        return False
    validator = RequestValidator(account.auth_token)
    params = request.POST.dict()
    # The URL the sender signed: as this server saw it, or as the public base URL says.
    urls = {request.build_absolute_uri(), settings.PUBLIC_BASE_URL + request.get_full_path()}
    return any(validator.validate(url, params, signature) for url in urls)


@csrf_exempt
def inbound_webhook(request):
    """A Twilio-format MO: the same intake as SMPP. Replies go out through the hotline's own
    outbox (tracked, on the timeline, opt-out aware), so the TwiML answer is empty."""
    if request.method != "POST":
        return HttpResponse("只接受 POST", status=405, content_type="text/plain; charset=utf-8")
    account = ApiAccount.objects.filter(sid=request.POST.get("AccountSid", ""), is_active=True).first()
    if account is None or not signature_valid(request, account):
        return HttpResponse("X-Twilio-Signature 校验失败", status=403, content_type="text/plain; charset=utf-8")
    sender = request.POST.get("From", "").strip()
    if not sender:
        return HttpResponse("缺少 From", status=400, content_type="text/plain; charset=utf-8")
    sid = request.POST.get("MessageSid", "")
    try:
        segments = max(1, min(255, int(request.POST.get("NumSegments") or 1)))
    except ValueError:
        segments = 1
    receive_and_handle(
        from_number=sender, to_number=request.POST.get("To", ""), body=request.POST.get("Body", ""),
        transport="twilio", sid=sid if SID_RE.match(sid) else None, account=account, num_segments=segments,
        meta={"webhook": True},
    )
    return HttpResponse(EMPTY_TWIML, content_type="application/xml; charset=utf-8")
