from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from hardening.csp import relaxed

urlpatterns = [
    # Before the admin: /admin/login/ is accounts' (the lockout's messages, the second factor).
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from ?script (no inline script under the CSP).
    path("api/schema/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="schema-docs"),
    # Redoc styles itself by adding <style> elements (styled-components) and runs its search in a
    # worker it makes from a blob: on this one page, whose only content is the schema, those two are
    # allowed; scripts stay 'self' only (a blob worker needs script already running on the page).
    path("api/schema/redoc/", relaxed(relaxed(SpectacularRedocView.as_view(url_name="schema"),
                                              "style-src", "'unsafe-inline'"), "worker-src", "'self'", "blob:"),
         name="schema-redoc"),
    path("", include("ops.urls")),
    path("", include("hardening.urls")),  # /csp-report/
    path("", include("reports.urls")),
    path("", include("audit.urls")),  # /audit/: the audit administrator's search and export
    path("", include("knowledge.urls")),  # /api/knowledge/… and the upkeep pages /knowledge/…
    path("api/", include("api.urls")),
    path("", include("telephony.urls")),
    path("", include("dispatch.urls")),
    path("", include("sms_gateway.urls")),
    # issue 18
    path("", include("assessment.urls")),
    path("", include("appeals.urls")),
    path("", include("exports.urls")),
    path("", include("bulletins.urls")),
    # issue 19
    path("", include("open311.urls")),  # /open311/v2/…
    path("", include("agents.urls")),
    path("", include("photos.urls")),
    path("", include("places.urls")),  # /reports/areas/… (issue 19 item 5)
    path("", include("web.urls")),
    path("", include("knowledge.urls_use")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
