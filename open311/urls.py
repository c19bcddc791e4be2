"""GeoReport v2 at /open311/v2/ (included at the site root). The format is the path's suffix."""
from django.urls import re_path

from . import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^open311/v2/services" + FMT, views.services, name="open311-services"),
    re_path(r"^open311/v2/services/(?P<service_code>[^/]{1,40})" + FMT, views.service_definition,
            name="open311-service-definition"),
    re_path(r"^open311/v2/requests" + FMT, views.requests_, name="open311-requests"),
    re_path(r"^open311/v2/requests/(?P<service_request_id>[^/]{1,40})" + FMT, views.request_detail,
            name="open311-request"),
]
