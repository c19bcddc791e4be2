"""Files browsers ask for at fixed addresses, whatever the page links."""
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico: asked for by every browser on every site (and by pages that link no icon:
    Django's plain error pages, downloads opened in a tab)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
