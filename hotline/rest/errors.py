"""JSON errors with a clear message for every failure a client can cause.

Shape: {"error": {"code": "...", "message": "...", "field": "..."|null, "details": {...}}}
"""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hotline.errors import HotlineError

logger = logging.getLogger(__name__)

MESSAGES = {
    exceptions.ParseError: "请求内容不是有效的 JSON 或表单",
    exceptions.NotAuthenticated: "请先登录",
    exceptions.AuthenticationFailed: "身份验证失败",
    exceptions.PermissionDenied: "您无权执行此操作",
    exceptions.NotFound: "请求的对象不存在",
    exceptions.MethodNotAllowed: "不支持该请求方法",
    exceptions.UnsupportedMediaType: "不支持的请求内容类型",
    exceptions.Throttled: "请求过于频繁，请稍后再试",
    exceptions.NotAcceptable: "无法提供所请求的格式",
}


def error_body(code: str, message: str, field: str | None = None, details=None) -> dict:
    return {"error": {"code": code, "message": message, "field": field, "details": details or {}}}


def first_message(detail) -> tuple[str | None, str]:
    """The first (field, message) of a DRF validation detail, for the headline message."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field, message = first_message(value)
            return (key if key != "non_field_errors" else field), message
    if isinstance(detail, list) and detail:
        return first_message(detail[0])
    return None, str(detail)


def _only_codes(codes, allowed: set[str]) -> bool:
    """Whether every error code in DRF's nested get_codes() structure is one of `allowed`."""
    if isinstance(codes, dict):
        return bool(codes) and all(_only_codes(value, allowed) for value in codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_only_codes(value, allowed) for value in codes)
    return codes in allowed


def exception_handler(exc, context):
    if isinstance(exc, HotlineError):
        return Response(error_body(exc.code, exc.message, exc.field), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError) and _only_codes(exc.get_codes(), {"does_not_exist"}):
        # The body names a unit, leader or category that is not there: the same answer as a
        # path that names nothing (404), with the field that named it.
        field, message = first_message(exc.detail)
        response.status_code = status.HTTP_404_NOT_FOUND
        response.data = error_body("not_found", f"{field}: {message}" if field else message, field, exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        field, message = first_message(exc.detail)
        if not any("\u4e00" <= ch <= "\u9fff" for ch in message):  # a message DRF has no translation for
            message = f"请求数据无效（{message}）"
        label = f"{field}: " if field else ""
        response.data = error_body("invalid", f"{label}{message}", field, exc.detail)
    else:
        message = MESSAGES.get(type(exc), str(getattr(exc, "detail", exc)))
        if isinstance(exc, exceptions.MethodNotAllowed):
            message = f"不支持 {context['request'].method} 请求"
        code = getattr(exc, "default_code", "error")
        response.data = error_body(code, message)
    return response


def json_error_view(status_code: int, code: str, message: str):
    from django.http import JsonResponse
    from django.views.decorators.csrf import csrf_exempt

    # csrf_exempt: a POST to an unknown /api/ address with a cookie must get this JSON 404, not
    # Django's HTML CSRF page (found by schemathesis).
    @csrf_exempt
    def view(request, exception=None):
        return JsonResponse(error_body(code, message), status=status_code,
                            json_dumps_params={"ensure_ascii": False})

    return view


handler404_json = json_error_view(status.HTTP_404_NOT_FOUND, "not_found", "请求的地址不存在")
handler500_json = json_error_view(status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error", "服务器内部错误，请稍后再试")
