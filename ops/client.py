"""Who is asking: the client's address, the one reading every rate limit and audit row shares."""
from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind trusted proxies (PORTAL_TRUST_FORWARDED_FOR) the X-Forwarded-For
    entry the outermost trusted proxy added. Counting from the right: the entries to its left
    are whatever the client sent, so taking the first one would let a client pick its own
    address, escape every limit and write any address into the audit trail.
    FORWARDED_PROXY_HOPS is how many proxies append to the header (1: nginx alone)."""
    if getattr(settings, "PORTAL_TRUST_FORWARDED_FOR", False):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-min(len(hops), max(1, settings.FORWARDED_PROXY_HOPS))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
