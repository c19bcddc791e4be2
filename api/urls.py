from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from hotline.rest.errors import handler404_json

from . import views

router = DefaultRouter()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("inbox", views.InboxViewSet, basename="inbox")
router.register("extensions", views.ExtensionViewSet, basename="extension")
router.register("units", views.UnitViewSet, basename="unit")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    path("auth/token/", views.token, name="api-token"),
    path("me/", views.me, name="api-me"),
    path("health/", views.health, name="api-health"),
    path("citizens/history/", views.citizen_lookup, name="api-citizen-history"),
    path("", include(router.urls)),
    # Anything else under /api/ answers in JSON too, not with an HTML page.
    re_path(r"^.*$", handler404_json),
]
