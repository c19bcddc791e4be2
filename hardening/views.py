"""/csp-report/: browsers post what the Content-Security-Policy blocked; each report is logged
(rate limited per address by settings.RATE_LIMITS["csp_report"])."""
import json
import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("hardening.csp")
MAX_BODY = 16 * 1024
FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file",
          "line-number", "column-number", "disposition")


@csrf_exempt  # browsers send reports without the CSRF token; nothing is changed by one
@require_POST
def csp_report(request):
    body = request.body[:MAX_BODY]
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return HttpResponse("报告格式不正确", status=400, content_type="text/plain; charset=utf-8")
    # report-uri sends {"csp-report": {...}}; the Reporting API sends a list of {"body": {...}}.
    reports = data if isinstance(data, list) else [data]
    for item in reports[:10]:
        if not isinstance(item, dict):
            continue
        report = item.get("csp-report") or item.get("body") or {}
        if isinstance(report, dict):
            fields = {key: str(report.get(key, report.get(_camel(key), "")))[:300] for key in FIELDS}
            logger.warning("CSP violation: %s", json.dumps(fields, ensure_ascii=False))
    return HttpResponse(status=204)


def _camel(key: str) -> str:
    head, *rest = key.split("-")
    return head + "".join(part.title() for part in rest)
