from django.urls import path

from . import views

urlpatterns = [
    path("assessment/", views.page, name="assessment"),
    path("assessment/publish/", views.publish, name="assessment-publish"),
    path("assessment/export.xlsx", views.export_xlsx, name="assessment-export"),
]
