from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

router = SimpleRouter()
router.register("api/knowledge/points", api.PointViewSet, basename="knowledge-point")

urlpatterns = [
    path("api/knowledge/search/", api.search, name="knowledge-search"),
    *router.urls,
    *views.urlpatterns,
]
