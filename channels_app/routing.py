"""Websocket routing. The consumers are added by the live-push work."""
from channels.routing import URLRouter


def websocket_application():
    return URLRouter([])
