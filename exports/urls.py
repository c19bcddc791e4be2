from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("exports/tickets/", views.export_chooser, name="chooser"),
    path("exports/tickets/download/", views.export_download, name="download"),
]
