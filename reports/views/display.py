"""The LED display board page, its pairing form, and the JSON / text feeds."""
import re

from django.conf import settings
from django.contrib.auth import login, logout
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.authtoken.models import Token

from accounts.services import token_current
from hotline.models import Role
from hotline.permissions import may_watch_display
from hotline.rest.errors import error_body

from .. import display
from ..access import may_read_feed

PAIR_ATTEMPTS = 10  # per client address per 10 minutes
SESSION_DAYS = 365
SIZE_RE = re.compile(r"^(\d{3,5})[x×*](\d{3,5})$")


def _denied() -> JsonResponse:
    return JsonResponse(error_body("not_authenticated", "需要显示屏令牌：请求头 Authorization: Token <令牌>"),
                        status=401, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def summary_json(request):
    if not may_read_feed(request):
        return _denied()
    entry = display.current()
    return HttpResponse(entry["json"], content_type="application/json; charset=utf-8")


@never_cache
@require_GET
def summary_txt(request):
    if not may_read_feed(request):
        return _denied()
    charset = request.GET.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8", "gbk", "gb2312"):
        return JsonResponse(error_body("invalid", "charset 只支持 utf-8 或 gbk", "charset"), status=400,
                            json_dumps_params={"ensure_ascii": False})
    entry = display.current()
    if charset in ("gbk", "gb2312"):
        return HttpResponse(entry["gbk"], content_type="text/plain; charset=GBK")
    return HttpResponse(entry["utf-8"], content_type="text/plain; charset=utf-8")


def _is_board_viewer(user) -> bool:
    return may_watch_display(user)


def _stage(request) -> dict:
    """Wall size from ?size=768x384 (or ?w=&h=); none means: fill the window."""
    size = SIZE_RE.match(request.GET.get("size", ""))
    width, height = (size.group(1), size.group(2)) if size else (request.GET.get("w"), request.GET.get("h"))
    try:
        width, height = int(width), int(height)
    except (TypeError, ValueError):
        width = height = 0
    if not (160 <= width <= 16000 and 64 <= height <= 16000):
        width = height = 0
    try:
        rotate = max(3, min(120, int(request.GET.get("rotate", 10))))
    except ValueError:
        rotate = 10
    layout = request.GET.get("layout", "auto")
    return {"width": width, "height": height, "rotate": rotate,
            "layout": layout if layout in ("auto", "grid", "rotate") else "auto"}


@never_cache
def board(request):
    if not _is_board_viewer(request.user):
        return redirect(f"/display/pair/?next={request.get_full_path()}")
    return render(request, "reports/display.html", {
        "stage": _stage(request), "snapshot": display.current()["snapshot"],
    })


def _client_key(request) -> str:
    return "reports:pair:" + request.META.get("REMOTE_ADDR", "?")


@never_cache
@require_http_methods(["GET", "POST"])
def pair(request):
    """Pair a kiosk: someone types the display device's token once; the browser keeps a
    long session as that device. The token never goes into a URL or a log."""
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or "/display/"
    if not next_url.startswith("/display/"):
        next_url = "/display/"
    if request.method == "POST":
        cache.add(_client_key(request), 0, timeout=600)
        attempts = cache.incr(_client_key(request))
        key = request.POST.get("token", "").strip()
        token = Token.objects.select_related("user").filter(key=key).first() if key else None
        if attempts > PAIR_ATTEMPTS:
            error = "尝试次数过多，请10分钟后再试"
        elif not token_current(token) or token.user.role != Role.DISPLAY:
            error = "令牌无效，或不属于显示屏设备账号"
        else:
            login(request, token.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            request.session.set_expiry(SESSION_DAYS * 86400)
            cache.delete(_client_key(request))
            return redirect(next_url)
    return render(request, "reports/display_pair.html", {"error": error, "next": next_url},
                  status=400 if error else 200)


@require_http_methods(["POST"])
def unpair(request):
    logout(request)
    return redirect("/display/pair/")
