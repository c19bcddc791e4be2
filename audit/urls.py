from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.events, name="audit-events"),
    path("audit/export.<str:fmt>", views.export, name="audit-export"),
]
