"""The browser tests' server: the product's ASGI application (pages, static files and the
/ws/ websockets) served by uvicorn in a thread of the test process.

pytest-django's own live_server speaks WSGI only, so every page's live.js failed to open
/ws/staff/ and nothing pushed reached the browser. This one serves what production serves.
The test database is the in-memory SQLite of the test process: every thread of the server
(Django's ASGI handler runs each request's sync code in a thread of its own, channels its
consumers' database calls in others) uses the test's own connection, as Django's
LiveServerThread does for its request threads. A connection of its own per thread would open
the shared-cache in-memory database beside it, whose table locks fail at once ("database
table is locked") instead of waiting.
"""
import asyncio
import threading
import time

from django.db import connections

from .processes import free_port


def _share_connections(shared: dict):
    """Every thread's connections[alias] is the test's connection; returns the undo."""
    handler_class = type(connections)
    original = handler_class.__getitem__

    def getitem(self, alias):
        if self is connections and alias in shared:
            return shared[alias]
        return original(self, alias)

    handler_class.__getitem__ = getitem
    return lambda: setattr(handler_class, "__getitem__", original)


class AsgiLiveServer:
    def __init__(self):
        import uvicorn
        from channels.routing import ProtocolTypeRouter
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
        from django.core.asgi import get_asgi_application

        from live.routing import websocket_application

        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for connection in shared.values():
            connection.inc_thread_sharing()
        self._unshare = _share_connections(shared)
        app = ProtocolTypeRouter({
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": websocket_application(),
        })
        from django.test.utils import modify_settings

        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        self.shared = shared
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, lifespan="off",
                                                    log_level="warning", ws="websockets-sansio"))
        self.thread = threading.Thread(target=self._run, name="asgi-live-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI live server did not start")
            time.sleep(0.05)

    def _run(self):
        asyncio.run(self.server.serve())

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)
        self._unshare()
        for connection in self.shared.values():
            connection.dec_thread_sharing()

    def __str__(self):
        return self.url
