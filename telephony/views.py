"""The CTI webhook (POST /cti/events/) and the missed-call list (/console/missed-calls/)."""
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hotline.errors import HotlineError, InvalidInput
from hotline.permissions import HOTLINE_STAFF

from .calls import call_mark_called_back, cti_event_apply, parse_cti_event
from .models import Call

SECRET_HEADER = "HTTP_X_CTI_SECRET"
MAX_BODY = 16 * 1024


def error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def secret_ok(request) -> bool:
    given = request.META.get(SECRET_HEADER, "")
    return hmac.compare_digest(given.encode(), settings.CTI_SECRET.encode())


def body_of(request):
    if len(request.body) > MAX_BODY:
        raise InvalidInput("请求体过大")
    if request.content_type == "application/json":
        try:
            return json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("请求体不是有效的JSON") from None
    return request.POST


@csrf_exempt
@require_POST
def cti_events(request):
    """Telephony events. Authenticated by the shared secret in X-CTI-Secret (CTI_SECRET)."""
    if not settings.CTI_SECRET:
        return error(503, "cti_disabled", "未配置CTI_SECRET，来电接口未启用")
    if not secret_ok(request):
        return error(403, "permission_denied", "CTI密钥错误")
    try:
        call = cti_event_apply(parse_cti_event(body_of(request)))
    except HotlineError as exc:
        return error(exc.status_code, exc.code, exc.message, exc.field)
    return JsonResponse({"ok": True, "call_id": call.call_id, "state": call.state,
                         "operator": call.operator_id is not None})


@login_required
@require_http_methods(["GET", "POST"])
def missed_calls(request):
    """未接来电回拨列表: missed calls not yet called back, oldest wait first; recent ones below."""
    if not request.user.has_role(*HOTLINE_STAFF):
        return render(request, "telephony/forbidden.html", status=403)
    if request.method == "POST":
        call = get_object_or_404(Call, pk=request.POST.get("call", "0") if request.POST.get("call", "").isdigit()
                                 else 0)
        try:
            call_mark_called_back(call=call, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, f"已登记回拨 {call.caller or '未知号码'}")
        except HotlineError as exc:
            messages.error(request, exc.message)
        return redirect("missed-calls")
    waiting = Call.objects.filter(state=Call.State.MISSED, called_back_at__isnull=True).order_by("started_at")[:200]
    done = (Call.objects.filter(state=Call.State.MISSED, called_back_at__isnull=False)
            .select_related("called_back_by").order_by("-called_back_at")[:20])
    return render(request, "telephony/missed_calls.html", {"waiting": waiting, "done": done})
