"""The partner keys on the REST API (issue 19 item 2): `Authorization: Api-Key <key>` signs in as
the key's PARTNER account, which may file tickets and read its own (hotline.rest.permissions.
PartnerFiles), nothing else. The key's own rate limits apply as on Open311."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import selectors
from .services import partner_key_used, partner_key_wait

KEYWORD = "Api-Key"


class KeyDisabled(exceptions.PermissionDenied):
    default_detail = "合作方密钥已停用"
    default_code = "key_disabled"


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Api-Key 头格式应为：Authorization: Api-Key <密钥>")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("合作方密钥无效") from None
        key = selectors.key_for(raw)
        if key is None:
            raise exceptions.AuthenticationFailed("合作方密钥无效")
        if not key.is_enabled or not key.user.is_active:
            raise KeyDisabled()
        wait = partner_key_wait(key=key)
        if wait:
            raise exceptions.Throttled(wait=wait, detail=f"请求过于频繁，请{wait}秒后再试")
        partner_key_used(key=key)
        return key.user, key

    def authenticate_header(self, request):
        return KEYWORD


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema names the key scheme (drf-spectacular)."""

    target_class = "open311.authentication.PartnerKeyAuthentication"
    name = "PartnerApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "合作系统：Authorization: Api-Key <密钥>（只能登记工单、查看自己登记的工单）"}
