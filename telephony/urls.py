from django.urls import path

from . import views

urlpatterns = [
    path("cti/events/", views.cti_events, name="cti-events"),
    path("console/missed-calls/", views.missed_calls, name="missed-calls"),
]
