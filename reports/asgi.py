"""A fast path for the display feeds under ASGI (daphne in production).

Hundreds of LED controllers poll /api/display/summary.json|.txt. Through the full
Django stack each poll costs a thread hop and the whole middleware chain; here a
request that carries `Authorization: Token …` is answered straight from the
process-local copy of the cached snapshot (reports.display), with the same token rule
as the Django view (reports.access). Everything else — session-authenticated polls
from the kiosk page, bad input, other paths — goes on to Django unchanged.
"""
import asyncio
import logging
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async

from . import access, display

logger = logging.getLogger(__name__)
PATHS = {"/api/display/summary.json": "json", "/api/display/summary.txt": "txt"}
# nosniff as on every answer Django makes (this path skips its middleware; issue 20 item 5).
NO_CACHE = [(b"cache-control", b"max-age=0, no-cache, no-store, must-revalidate, private"),
            (b"x-content-type-options", b"nosniff")]


def _token(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            parts = value.decode("latin-1").split()
            if len(parts) == 2 and parts[0].lower() == "token":
                return parts[1]
    return None


async def _allowed(key: str) -> bool:
    hit = access._token_cache.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1] is not None
    return await sync_to_async(access.feed_user_id, thread_sensitive=False)(key) is not None


STALE_LIMIT = 10.0  # seconds: past this a request waits for a fresh copy itself
_refresher: dict = {"task": None}


async def _refresh_forever() -> None:
    """Keep this process's copy of the snapshot fresh in the background, so that a poll
    never waits for the shared cache (or a rebuild)."""
    while True:
        try:
            await sync_to_async(display.current, thread_sensitive=False)()
        except Exception:  # keep serving the last copy; try again next round
            logger.exception("refreshing the display snapshot copy failed")
        await asyncio.sleep(display.LOCAL_TTL)


async def _entry() -> dict:
    task = _refresher["task"]
    if task is None or task.done():
        _refresher["task"] = asyncio.get_running_loop().create_task(_refresh_forever())
    local = display._local
    if local["entry"] is not None and time.monotonic() < local["until"] + STALE_LIMIT:
        return local["entry"]
    return await sync_to_async(display.current, thread_sensitive=False)()


async def _send(send, status: int, body: bytes, content_type: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                            *NO_CACHE]})
    await send({"type": "http.response.body", "body": body})


class DisplayFeedFastPath:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        kind = PATHS.get(scope.get("path", "")) if scope["type"] == "http" else None
        key = _token(scope) if kind and scope.get("method") == "GET" else None
        if key is None:
            return await self.app(scope, receive, send)
        charset = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("charset", ["utf-8"])[0].lower()
        if kind == "txt" and charset not in ("utf-8", "utf8", "gbk", "gb2312"):
            return await self.app(scope, receive, send)  # Django answers the 400 with its message
        if not await _allowed(key):
            return await self.app(scope, receive, send)  # Django answers the 401 with its message
        entry = await _entry()
        if kind == "json":
            return await _send(send, 200, entry["json"], b"application/json; charset=utf-8")
        if charset in ("gbk", "gb2312"):
            return await _send(send, 200, entry["gbk"], b"text/plain; charset=GBK")
        return await _send(send, 200, entry["utf-8"], b"text/plain; charset=utf-8")
