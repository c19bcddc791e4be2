"""The browser tests' server: the product's ASGI application (pages, static files and the
/ws/ websockets) served by uvicorn in a thread of the test process.

pytest-django's own live_server speaks WSGI only, so every page's live.js failed to open
/ws/staff/ and nothing pushed reached the browser. This one serves what production serves.
The test database is the in-memory SQLite of the test process: each request and consumer
uses the test's own connection (as Django's LiveServerThread does), set in the request's
context so that the threads Django's ASGI handler runs sync code in inherit it.
"""
import asyncio
import threading
import time

from django.db import connections

from .processes import free_port


class _SharedConnections:
    """ASGI middleware: the request sees the test's in-memory database connections."""

    def __init__(self, app, shared: dict):
        self.app, self.shared = app, shared

    async def __call__(self, scope, receive, send):
        for alias, connection in self.shared.items():
            connections[alias] = connection
        await self.app(scope, receive, send)


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
        app = _SharedConnections(ProtocolTypeRouter({
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": websocket_application(),
        }), shared)
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
        for connection in self.shared.values():
            connection.dec_thread_sharing()

    def __str__(self):
        return self.url
