"""hotline_websocket_connections sums the open sockets of every uvicorn process (through Redis)."""
import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from live.monitoring import collect
from tests.live.test_integration_two_servers import open_socket, two_servers  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def staff_sockets() -> float:
    family = next(iter(collect()))
    return next(s.value for s in family.samples if s.labels["kind"] == "staff")


async def until(expected: float, timeout: float = 10) -> float:
    deadline = time.monotonic() + timeout
    while (value := await database_sync_to_async(staff_sockets)()) != expected:
        assert time.monotonic() < deadline, f"gauge {value}, expected {expected}"
        await asyncio.sleep(0.2)
    return value


async def test_the_gauge_counts_sockets_on_both_servers_and_drops_closed_ones(two_servers, staff_a, staff_b):  # noqa: F811
    port_a, port_b = two_servers
    before = await database_sync_to_async(staff_sockets)()
    sockets = [await open_socket(port_a, staff_a), await open_socket(port_a, staff_b),
               await open_socket(port_b, staff_a)]

    await until(before + 3)
    await sockets[0].close()
    await until(before + 2)
    for ws in sockets[1:]:
        await ws.close()
    await until(before)
