"""The dev "phone" (/dev/phone/): with the local transport, what each phone received, and a
box to text the hotline as that phone (the same intake as a real SMS).

Shown when SMS_DEV_PHONE is on (default: DEBUG, or no SMPP_URL) and only to logged-in
hotline office staff (operator, supervisor, admin): it shows every citizen's messages.
"""
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Max, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from hotline.permissions import HOTLINE_STAFF

from . import codec
from .intake import receive_and_handle
from .models import Direction, Message

MAX_TEXT = 2000


def _guard(request):
    if not settings.SMS_DEV_PHONE:
        raise Http404("dev phone disabled")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_role(*HOTLINE_STAFF):
        return HttpResponseForbidden("只有热线办工作人员可以使用模拟手机")
    return None


def phones() -> list[dict]:
    """Every phone with messages, the most recent conversation first."""
    ours = settings.SMS_SOURCE_ADDR
    outbound = Message.objects.exclude(direction=Direction.INBOUND).values("to_number").annotate(last=Max("id"))
    inbound = Message.objects.filter(direction=Direction.INBOUND).values("from_number").annotate(last=Max("id"))
    latest: dict[str, int] = {}
    for row in outbound:
        latest[row["to_number"]] = max(latest.get(row["to_number"], 0), row["last"])
    for row in inbound:
        latest[row["from_number"]] = max(latest.get(row["from_number"], 0), row["last"])
    latest.pop(ours, None)
    return [{"number": n, "last": i} for n, i in sorted(latest.items(), key=lambda kv: -kv[1])][:200]


def conversation(number: str) -> list[Message]:
    return list(Message.objects.filter(
        Q(direction=Direction.INBOUND, from_number=number) | (~Q(direction=Direction.INBOUND) & Q(to_number=number))
    ).order_by("-id")[:100])[::-1]


@require_http_methods(["GET", "POST"])
def dev_phone(request):
    denied = _guard(request)
    if denied:
        return denied
    number = codec.normalize_number(request.GET.get("phone", "") or request.POST.get("phone", ""))
    error = ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        if not codec.is_mobile(number):
            error = "请输入有效的11位手机号"
        elif len(body) > MAX_TEXT:
            error = f"短信不能超过{MAX_TEXT}个字"
        else:
            receive_and_handle(from_number=number, to_number=settings.SMS_SOURCE_ADDR, body=body,
                               transport="dev-phone", meta={"dev_phone": True})
            return redirect(f"{reverse('sms-dev-phone')}?phone={number}")
    context = {
        "phones": phones(), "number": number, "messages": conversation(number) if number else [],
        "error": error, "signature": settings.SMS_SIGNATURE, "ours": settings.SMS_SOURCE_ADDR,
        "transport": settings.SMS_TRANSPORT,
    }
    template = "sms_gateway/dev_phone_thread.html" if request.GET.get("fragment") else "sms_gateway/dev_phone.html"
    return render(request, template, context)
