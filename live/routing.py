"""Websocket routing: /ws/staff/ and /ws/display/.

Origins are checked against ALLOWED_HOSTS (a page on another site cannot open a
socket with our users' cookies); the session cookie authenticates staff.
"""
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from .consumers import DisplayConsumer, StaffConsumer

websocket_urlpatterns = [
    path("ws/staff/", StaffConsumer.as_asgi()),
    path("ws/display/", DisplayConsumer.as_asgi()),
]


def websocket_application():
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
