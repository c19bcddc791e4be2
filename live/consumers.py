"""Websocket consumers: staff pages (/ws/staff/) and display devices (/ws/display/).

Protocol (JSON both ways):
  server → client  {"type": "hello", "last_event_id": N}
                   {"type": "ticket-event", "event": {...}}
                   {"type": "call-popup", "popup": {...}}       (staff)
                   {"type": "missed-call", "call": {...}}       (office staff)
                   {"type": "display-update", "data": {...}}    (display)
                   {"type": "catchup-done", "last_event_id": N, "truncated": bool}
  client → server  {"type": "catchup", "since": N}   events after N that this user may see
                   {"type": "ping"}                   → {"type": "pong"}
                   {"type": "auth", "token": "..."}   (display, when not authenticated otherwise)
"""
import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hotline.models import Role
from hotline.permissions import ALL_STAFF, may_watch_display
from ops import context

from . import groups, monitoring
from .catchup import display_catchup, last_event_id, staff_catchup

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
DISPLAY_SUBPROTOCOL = "hotline.display"
AUTH_TIMEOUT_SECONDS = 10


# Group membership changes per process in flight at once. When a server restarts, every
# client reconnects within seconds; unbounded, their group_add calls would each take a
# Redis connection and exhaust the pool (redis-py refuses, it does not wait).
MEMBERSHIP_CONCURRENCY = 32
_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def membership_gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(MEMBERSHIP_CONCURRENCY)
    return gate


_last_event = {"id": 0, "at": 0.0}
LAST_EVENT_TTL = 1.0


async def recent_last_event_id() -> int:
    """The newest event id, read at most once a second per process: when thousands of sockets
    reconnect at once, each would otherwise queue a query on the one database thread."""
    loop = asyncio.get_running_loop()
    if loop.time() - _last_event["at"] > LAST_EVENT_TTL or _last_event.get("loop") is not loop:
        _last_event.update(id=await database_sync_to_async(last_event_id)(), at=loop.time(), loop=loop)
    return _last_event["id"]


def parse_since(content) -> int | None:
    since = content.get("since") if isinstance(content, dict) else None
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        return None
    return since


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """What staff and display sockets share: group bookkeeping and relaying layer messages."""

    joined: list[str]
    kind = "staff"  # for the open-websockets gauge (live.monitoring)
    counted = False

    async def websocket_connect(self, message):
        # The socket's log lines carry nginx's X-Request-ID of the upgrade request (ops).
        headers = dict(self.scope.get("headers") or [])
        context.set_current(context.accept(headers.get(b"x-request-id", b"").decode("latin-1")))
        await super().websocket_connect(message)

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol=subprotocol, headers=headers)
        if not self.counted:
            self.counted = True
            monitoring.opened(self.kind)

    async def websocket_disconnect(self, message):
        if self.counted:
            self.counted = False
            monitoring.closed(self.kind)
        await super().websocket_disconnect(message)

    async def join(self, names: list[str]) -> None:
        self.joined = list(names)
        async with membership_gate():
            for name in self.joined:
                await self.channel_layer.group_add(name, self.channel_name)

    async def disconnect(self, code):
        async with membership_gate():
            for name in getattr(self, "joined", []):
                await self.channel_layer.group_discard(name, self.channel_name)

    async def send_hello(self) -> None:
        await self.send_json({"type": "hello", "last_event_id": await recent_last_event_id()})

    async def send_catchup(self, since: int, fetch) -> None:
        payloads, truncated = await database_sync_to_async(fetch)(since)
        for payload in payloads:
            await self.send_json({"type": "ticket-event", "event": payload})
        last = payloads[-1]["id"] if payloads else since
        await self.send_json({"type": "catchup-done", "last_event_id": last, "truncated": truncated})

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            monitoring.pinged()
            await self.send_json({"type": "pong"})
        elif kind == "catchup":
            since = parse_since(content)
            if since is None:
                await self.send_json({"type": "error", "message": "since 须为非负整数"})
                return
            await self.catchup(since)
        else:
            await self.send_json({"type": "error", "message": "无法识别的消息"})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:  # not JSON: answer, do not crash the socket
            await self.send_json({"type": "error", "message": "消息须为JSON"})

    async def catchup(self, since: int) -> None:
        raise NotImplementedError

    # Channel-layer message handlers ("ticket.event" → ticket_event).
    async def ticket_event(self, message):
        await self.send(text_data=message["text"])

    async def ticket_events(self, message):
        """A batch of events for this group (push_ticket_events): one frame each, in order."""
        for text in message["texts"]:
            await self.send(text_data=text)


class StaffConsumer(LiveConsumer):
    """Operators, supervisors, leaders and unit staff, authenticated by their session."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.has_role(*ALL_STAFF):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        names = groups.groups_for_staff(user)  # attributes only, no query
        session = self.scope.get("session")
        if session is not None and session.session_key:
            names.append(groups.session_group(session.session_key))
        await self.join(names)
        await self.accept()
        await self.send_hello()

    async def catchup(self, since: int) -> None:
        await self.send_catchup(since, lambda s: staff_catchup(self.user, s))

    async def call_popup(self, message):
        await self.send_json({"type": "call-popup", "popup": message["data"]})

    async def missed_call(self, message):
        await self.send_json({"type": "missed-call", "call": message["data"]})

    async def session_ended(self, message):
        """The user logged out in this browser: its sockets stop receiving at once."""
        await self.close(code=CLOSE_UNAUTHENTICATED)


@database_sync_to_async
def display_user_for_token(token) -> object | None:
    from rest_framework.authtoken.models import Token

    if not isinstance(token, str) or not 20 <= len(token) <= 64 or not token.isalnum():
        return None
    from accounts.services import token_current

    found = Token.objects.select_related("user").filter(key=token).first()
    if not token_current(found) or found.user.role != Role.DISPLAY:
        return None
    return found.user


class DisplayConsumer(LiveConsumer):
    """LED/TV display devices. Authenticated by a session of a display user, by the device's
    token offered as a websocket subprotocol (beside "hotline.display"), or by a first
    {"type": "auth", "token": ...} message. The token never travels in the URL."""

    kind = "display"
    device = None
    auth_timer: asyncio.Task | None = None

    async def connect(self):
        offered = list(self.scope.get("subprotocols") or [])
        tokens = [p for p in offered if p != DISPLAY_SUBPROTOCOL]
        user = self.scope.get("user")
        if tokens:
            user = await display_user_for_token(tokens[0])
            if user is None:
                logger.warning("display socket refused: bad token")
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
        elif user is not None and user.is_authenticated:
            # The page lets city-wide staff watch the wall from their desks; so does its socket.
            if not may_watch_display(user):
                await self.close(code=CLOSE_FORBIDDEN)
                return
        else:
            user = None
        await self.accept(subprotocol=DISPLAY_SUBPROTOCOL if DISPLAY_SUBPROTOCOL in offered else None)
        if user is None:
            self.auth_timer = asyncio.ensure_future(self.close_unless_authenticated())
        else:
            await self.authenticated(user)

    async def authenticated(self, user) -> None:
        self.device = user
        await self.join([groups.DISPLAY, groups.display_device_group(user.pk)])
        await self.send_hello()

    async def close_unless_authenticated(self) -> None:
        await asyncio.sleep(AUTH_TIMEOUT_SECONDS)
        if self.device is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def receive_json(self, content, **kwargs):
        if self.device is not None:
            await super().receive_json(content, **kwargs)
            return
        if isinstance(content, dict) and content.get("type") == "auth":
            user = await display_user_for_token(content.get("token"))
            if user is not None:
                if self.auth_timer:
                    self.auth_timer.cancel()
                await self.authenticated(user)
                return
            logger.warning("display socket refused: bad token")
        await self.send_json({"type": "error", "message": "显示屏认证失败"})
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def disconnect(self, code):
        if self.auth_timer:
            self.auth_timer.cancel()
        await super().disconnect(code)

    async def catchup(self, since: int) -> None:
        await self.send_catchup(since, display_catchup)

    async def display_update(self, message):
        await self.send_json({"type": "display-update", "data": message["data"]})
