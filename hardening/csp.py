"""The Content-Security-Policy and Permissions-Policy on every response.

Every script and stylesheet the pages use is a file under /static/, so the policy allows only
the site's own origin: no inline script, no inline style, no eval. A view that truly needs more
(only the Redoc API reference, config/urls.py) marks its response with `relax()` or is wrapped
in `relaxed()`. docs/SECURITY-browser.md lists what the pages were changed to comply."""
from django.conf import settings

from ops.middleware import HybridMiddleware

REPORT_PATH = "/csp-report/"

BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "font-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
}

# The portal asks for the citizen's location (a later feature); everything else is off.
PERMISSIONS_POLICY = ", ".join([
    "geolocation=(self)", "camera=()", "microphone=()", "payment=()", "usb=()", "midi=()",
    "magnetometer=()", "gyroscope=()", "accelerometer=()", "display-capture=()",
])  # only features every current browser knows: an unknown one is a console error in Chromium


def relax(response, directive: str, *sources: str) -> None:
    """Allow more sources for one directive on this response only."""
    extra = getattr(response, "_csp_extra", {})
    extra.setdefault(directive, []).extend(sources)
    response._csp_extra = extra


def policy_for(request, response) -> str:
    directives = {name: list(sources) for name, sources in BASE_POLICY.items()}
    # The live pages' websocket is on this same host: 'self' covers ws(s): in CSP 3 browsers,
    # the explicit origin covers the older ones (Safari before 15.4). The host passed ALLOWED_HOSTS.
    try:
        host = request.get_host()
    except Exception:  # a DisallowedHost answer (400) still gets the policy
        host = ""
    if host:
        directives["connect-src"].append(f"{'wss' if request.is_secure() else 'ws'}://{host}")
    for name, sources in getattr(response, "_csp_extra", {}).items():
        directives.setdefault(name, []).extend(sources)
    parts = [f"{name} {' '.join(sources)}" for name, sources in directives.items()]
    if settings.CSP_REPORT:
        parts.append(f"report-uri {REPORT_PATH}")
    return "; ".join(parts)


class SecurityHeadersMiddleware(HybridMiddleware):
    """After Django's SecurityMiddleware (HSTS, nosniff, Referrer-Policy, the TLS redirect):
    adds the CSP and the Permissions-Policy that Django does not set. Sync and async, so that
    the ASGI server makes no thread hop for it."""

    def after(self, request, response, before):
        header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
        response.headers.setdefault(header, policy_for(request, response))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def relaxed(view, directive: str, *sources: str):
    """The view with `sources` added to one directive of its responses' policy."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        relax(response, directive, *sources)
        return response

    return wrapper
