from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    # Before the admin: /admin/login/ is accounts' (the lockout's messages, the second factor).
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="schema-docs"),
    path("api/schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="schema-redoc"),
    path("", include("ops.urls")),
    path("", include("reports.urls")),
    path("", include("knowledge.urls")),  # /api/knowledge/… and the upkeep pages /knowledge/…
    path("api/", include("api.urls")),
    path("", include("telephony.urls")),
    path("", include("dispatch.urls")),
    path("", include("sms_gateway.urls")),
    path("", include("web.urls")),
    path("", include("knowledge.urls_use")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
