"""URLs of the knowledge base's own use pages (issue 17), included from config/urls.py."""
from django.urls import path

from . import views_use

urlpatterns = [
    path("knowledge/stats/", views_use.knowledge_stats, name="knowledge-stats"),
]
