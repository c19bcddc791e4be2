from django.urls import path

from . import views

urlpatterns = [
    path("bulletins/", views.bulletin_index, name="bulletins"),
    path("bulletins/generate/", views.bulletin_regenerate, name="bulletins-generate"),
    path("bulletins/<int:pk>/<str:fmt>/", views.bulletin_download, name="bulletins-download"),
]
