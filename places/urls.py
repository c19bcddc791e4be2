from django.urls import path

from . import views

urlpatterns = [
    path("reports/areas/", views.area_map, name="places-area-map"),
    path("reports/areas/data.json", views.area_data, name="places-area-data"),
    path("reports/areas/tickets/", views.area_list, name="places-area-tickets"),
]
