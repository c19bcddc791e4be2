"""ASGI entry point: HTTP through Django, websockets through live."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from live.routing import websocket_application  # noqa: E402
from reports.asgi import DisplayFeedFastPath  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": DisplayFeedFastPath(django_asgi_app),
        "websocket": websocket_application(),
    }
)
