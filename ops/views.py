"""/metrics for Prometheus: a bearer token (settings.METRICS_TOKEN), optionally only from
some addresses (settings.METRICS_ALLOWED_IPS)."""
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import metrics


def _address_allowed(request) -> bool:
    networks = settings.METRICS_ALLOWED_IPS
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def _token_of(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@require_GET
def metrics_view(request):
    if not _address_allowed(request):
        return HttpResponse("forbidden address\n", status=403, content_type="text/plain")
    token = _token_of(request)
    if not token:
        response = HttpResponse("bearer token required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(token.encode(), settings.METRICS_TOKEN.encode()):
        return HttpResponse("wrong token\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)
