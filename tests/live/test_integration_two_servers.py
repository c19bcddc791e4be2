"""Two ASGI server processes on one Redis: an action through server A reaches a socket held by server B."""
import asyncio
import json
import urllib.request

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect

from ..processes import free_port, start_asgi, stop
from .helpers import register, session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers(tmp_path):
    port_a = free_port()
    server_a = start_asgi(port_a, tmp_path / "a.log")
    port_b = free_port()
    try:
        server_b = start_asgi(port_b, tmp_path / "b.log")
    except Exception:
        stop(server_a)
        raise
    yield port_a, port_b
    stop(server_a)
    stop(server_b)


def api_post(port: int, path: str, token: str, data: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(data).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


async def open_socket(port: int, user):
    cookie = (await database_sync_to_async(session_cookie)(user)).decode()
    ws = await connect(f"ws://127.0.0.1:{port}/ws/staff/", origin=f"http://127.0.0.1:{port}",
                       additional_headers={"Cookie": cookie})
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "hello"
    return ws


async def test_dispatch_through_server_a_reaches_a_unit_socket_on_server_b(
        two_servers, operator, supervisor, staff_a, staff_b, unit_a):
    port_a, port_b = two_servers
    ticket = await database_sync_to_async(register)(operator, title="两台服务器之间的推送")
    token = await database_sync_to_async(lambda: Token.objects.create(user=supervisor).key)()
    ws_a, ws_b = await open_socket(port_b, staff_a), await open_socket(port_b, staff_b)

    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(
        None, api_post, port_a, f"/api/tickets/{ticket.pk}/dispatch/", token, {"lead_unit": unit_a.pk})
    assert result["state"] == "dispatched"

    # The SMS notices' sms_sent lines may arrive before or after the dispatch itself.
    message = {"event": {"kind": "sms_sent"}}
    while message["event"]["kind"] == "sms_sent":
        message = json.loads(await asyncio.wait_for(ws_a.recv(), 5))
        assert message["type"] == "ticket-event"
    assert (message["event"]["number"], message["event"]["kind"]) == (ticket.number, "dispatch")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(ws_b.recv(), 0.5)  # unit B's socket on the same server hears nothing
    await ws_a.close()
    await ws_b.close()
    # The helper thread's connection would keep the test database from being dropped.
    await database_sync_to_async(lambda: connection.close())()
