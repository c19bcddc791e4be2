"""Websocket consumers: who may connect, and what each socket receives (and never receives)."""
import json

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from rest_framework.authtoken.models import Token

from hotline.models import Role, TicketState, Unit
from live.consumers import CLOSE_UNAUTHENTICATED
from live.push import push_display

from ..conftest import make_user
from .helpers import communicator, dispatched, register, session_cookie, submitted

pytestmark = pytest.mark.django_db(transaction=True)

QUIET = 0.3  # seconds to wait when asserting that nothing arrives


async def staff_socket(user):
    comm = communicator("/ws/staff/", await database_sync_to_async(session_cookie)(user))
    connected, _ = await comm.connect()
    assert connected
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello"
    return comm


async def next_event(comm) -> dict:
    """The next workflow event (the SMS gateway's sms_sent lines reach staff too; skip them)."""
    while True:
        message = await comm.receive_json_from(timeout=2)
        assert message["type"] == "ticket-event", message
        if message["event"]["kind"] != "sms_sent":
            return message["event"]


async def test_anonymous_and_display_users_cannot_open_a_staff_socket(display_device):
    comm = communicator("/ws/staff/")
    connected, _ = await comm.connect()
    assert not connected
    comm = communicator("/ws/staff/", await database_sync_to_async(session_cookie)(display_device))
    connected, _ = await comm.connect()
    assert not connected


async def test_foreign_origin_is_refused(staff_a):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    cookie = await database_sync_to_async(session_cookie)(staff_a)
    comm = WebsocketCommunicator(application, "/ws/staff/",
                                 headers=[(b"origin", b"http://evil.example"), (b"cookie", cookie)])
    connected, _ = await comm.connect()
    assert not connected


async def test_a_unit_socket_never_receives_another_units_ticket(operator, supervisor, staff_a, staff_b, unit_a,
                                                               unit_b):
    sock_a, sock_b, sock_op = await staff_socket(staff_a), await staff_socket(staff_b), await staff_socket(operator)

    ticket_a = await database_sync_to_async(dispatched)(operator, supervisor, unit_a, title="A局的工单")
    event = await next_event(sock_a)
    assert (event["number"], event["kind"], event["state"], event["light"]) == (
        ticket_a.number, "dispatch", "dispatched", "green")
    assert await sock_b.receive_nothing(timeout=QUIET)
    # The operator saw the registration and the dispatch.
    assert [(await next_event(sock_op))["kind"] for _ in range(2)] == ["register", "dispatch"]

    ticket_b = await database_sync_to_async(dispatched)(operator, supervisor, unit_b, title="B局的工单")
    assert (await next_event(sock_b))["ticket_id"] == ticket_b.pk
    assert await sock_a.receive_nothing(timeout=QUIET)
    for comm in (sock_a, sock_b, sock_op):
        await comm.disconnect()


async def test_a_drained_batch_reaches_each_socket_in_order_and_only_its_own(operator, supervisor, staff_a,
                                                                              staff_b, unit_a, unit_b):
    """The outbox's drain delivers many events at once: one layer message per group, one frame
    per event on the socket, in the order the events happened."""
    from hotline import notify
    from hotline.models import TicketEvent

    def write_quietly():
        with notify.muted():
            # Four different matters from four callers: nothing here is a likely duplicate.
            tickets = [dispatched(operator, supervisor, unit, title=title, phone=f"1381234560{i}")
                       for i, (unit, title) in enumerate([(unit_a, "路灯不亮"), (unit_b, "公交晚点"),
                                                          (unit_a, "井盖缺失"), (unit_a, "楼道堆物")])]
        return tickets, list(TicketEvent.objects.filter(ticket__in=tickets, kind__in=["register", "dispatch"])
                             .order_by("id").values_list("pk", flat=True))

    sock_a, sock_b, sock_op = await staff_socket(staff_a), await staff_socket(staff_b), await staff_socket(operator)
    tickets, event_ids = await database_sync_to_async(write_quietly)()
    await database_sync_to_async(notify.deliver_events)(event_ids)
    assert [(e["ticket_id"], e["kind"]) for e in [await next_event(sock_op) for _ in range(8)]] == [
        (t.pk, kind) for t in tickets for kind in ("register", "dispatch")]
    # Delivered after the dispatch, each ticket is its unit's by then: both lines reach it.
    assert [(e["ticket_id"], e["kind"]) for e in [await next_event(sock_a) for _ in range(6)]] == [
        (t.pk, kind) for t in (tickets[0], tickets[2], tickets[3]) for kind in ("register", "dispatch")]
    assert [(await next_event(sock_b))["ticket_id"] for _ in range(2)] == [tickets[1].pk] * 2
    for comm in (sock_a, sock_b):
        assert await comm.receive_nothing(timeout=QUIET)
    for comm in (sock_a, sock_b, sock_op):
        await comm.disconnect()


async def test_a_parent_unit_sees_its_sub_units_tickets(operator, supervisor, unit_a, county):
    county_staff = await database_sync_to_async(make_user)("county_staff", Role.UNIT_STAFF, county)
    sock = await staff_socket(county_staff)
    ticket = await database_sync_to_async(dispatched)(operator, supervisor, unit_a)
    assert (await next_event(sock))["ticket_id"] == ticket.pk
    await sock.disconnect()


async def test_only_the_leader_it_is_routed_to_is_told(operator, supervisor, leader, other_leader):
    mine, theirs = await staff_socket(leader), await staff_socket(other_leader)
    ticket = await database_sync_to_async(submitted)(operator, supervisor, leader)
    event = await next_event(mine)
    assert (event["ticket_id"], event["kind"], event["state"]) == (ticket.pk, "submit_for_approval",
                                                                  "pending_approval")
    assert await theirs.receive_nothing(timeout=QUIET)
    await mine.disconnect()
    await theirs.disconnect()


async def test_catch_up_returns_only_what_the_socket_may_see(operator, supervisor, staff_a, staff_b, unit_a, unit_b):
    ticket_a = await database_sync_to_async(dispatched)(operator, supervisor, unit_a)
    ticket_b = await database_sync_to_async(dispatched)(operator, supervisor, unit_b)
    sock_b = await staff_socket(staff_b)
    await sock_b.send_json_to({"type": "catchup", "since": 0})
    received = []
    while (message := await sock_b.receive_json_from())["type"] == "ticket-event":
        received.append(message["event"])
    assert message["type"] == "catchup-done" and not message["truncated"]
    assert {e["ticket_id"] for e in received} == {ticket_b.pk}
    assert ticket_a.pk not in {e["ticket_id"] for e in received}
    assert message["last_event_id"] == received[-1]["id"]
    # Nothing missed since the last one: an empty catch-up.
    await sock_b.send_json_to({"type": "catchup", "since": message["last_event_id"]})
    assert (await sock_b.receive_json_from())["type"] == "catchup-done"
    await sock_b.disconnect()


async def test_bad_messages_get_an_error_not_a_crash(staff_a):
    sock = await staff_socket(staff_a)
    await sock.send_to(text_data="not json")
    assert (await sock.receive_json_from())["type"] == "error"
    await sock.send_json_to({"type": "catchup", "since": "abc"})
    assert (await sock.receive_json_from())["type"] == "error"
    await sock.send_json_to({"type": "ping"})
    assert (await sock.receive_json_from())["type"] == "pong"
    await sock.disconnect()


@pytest.fixture
def device_token(display_device):
    return Token.objects.create(user=display_device).key


async def display_socket(token):
    comm = communicator("/ws/display/", subprotocols=["hotline.display", token])
    connected, subprotocol = await comm.connect()
    assert connected
    assert subprotocol == "hotline.display"  # the token is never echoed back
    assert (await comm.receive_json_from())["type"] == "hello"
    return comm


async def test_display_receives_only_public_masked_data(operator, supervisor, unit_a, device_token):
    sock = await display_socket(device_token)
    await database_sync_to_async(dispatched)(
        operator, supervisor, unit_a, title="张三反映13812345678家门口幸福小区3号楼2单元路灯不亮",
        phone="13812345678", name="张三", address="幸福小区3号楼2单元",
    )
    for expected_kind in ("register", "dispatch"):
        message = await sock.receive_json_from(timeout=2)
        raw = json.dumps(message, ensure_ascii=False)
        assert message["event"]["kind"] == expected_kind
        for secret in ("13812345678", "张三", "幸福小区3号楼2单元", "3号楼"):
            assert secret not in raw, (secret, raw)
        assert set(message["event"]) >= {"number", "state_label", "light", "summary", "category"}
        assert "ticket_id" not in message["event"] and "data" not in message["event"]
    await sock.send_json_to({"type": "catchup", "since": 0})
    while (message := await sock.receive_json_from())["type"] == "ticket-event":
        assert "13812345678" not in json.dumps(message, ensure_ascii=False)
    await sock.disconnect()


async def test_display_board_updates_reach_displays_only(device_token, staff_a):
    display, staff = await display_socket(device_token), await staff_socket(staff_a)
    await sync_to_async(push_display)({"today": {"received": 12}})
    assert await display.receive_json_from() == {"type": "display-update", "data": {"today": {"received": 12}}}
    assert await staff.receive_nothing(timeout=QUIET)
    await display.disconnect()
    await staff.disconnect()


async def test_wrong_display_token_is_refused(device_token, staff_a):
    comm = communicator("/ws/display/", subprotocols=["hotline.display", "0" * 40])
    connected, _ = await comm.connect()
    assert not connected
    # A staff member's token is no display token either.
    staff_token = await database_sync_to_async(lambda: Token.objects.create(user=staff_a).key)()
    comm = communicator("/ws/display/", subprotocols=["hotline.display", staff_token])
    connected, _ = await comm.connect()
    assert not connected


async def test_display_may_authenticate_with_a_first_message(device_token):
    comm = communicator("/ws/display/")
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({"type": "auth", "token": device_token})
    assert (await comm.receive_json_from())["type"] == "hello"
    await comm.disconnect()

    comm = communicator("/ws/display/")
    await comm.connect()
    await comm.send_json_to({"type": "auth", "token": "wrong-token-000000000000"})
    assert (await comm.receive_json_from())["type"] == "error"
    assert (await comm.receive_output())["code"] == CLOSE_UNAUTHENTICATED


async def test_display_session_login_works_and_staff_sessions_are_refused(display_device, staff_a):
    comm = communicator("/ws/display/", await database_sync_to_async(session_cookie)(display_device))
    assert (await comm.connect())[0]
    assert (await comm.receive_json_from())["type"] == "hello"
    await comm.disconnect()
    comm = communicator("/ws/display/", await database_sync_to_async(session_cookie)(staff_a))
    assert not (await comm.connect())[0]


async def test_city_wide_staff_watching_the_wall_from_their_desk_get_its_socket(supervisor):
    """/display/ lets a supervisor look at the wall; its live socket must not then refuse them."""
    comm = communicator("/ws/display/", await database_sync_to_async(session_cookie)(supervisor))
    assert (await comm.connect())[0]
    assert (await comm.receive_json_from())["type"] == "hello"
    await comm.disconnect()


def test_push_audience_matches_ticket_visibility(operator, supervisor, leader, staff_a, staff_b, outsider, unit_a,
                                                 unit_b, county):
    """The groups an event goes to are exactly the people tickets_visible_to lets see it."""
    from dispatch.visibility import ticket_visible_to
    from live.groups import groups_for_staff
    from live.payloads import staff_groups_for

    county_staff = make_user("county_staff", Role.UNIT_STAFF, county)
    tickets = [dispatched(operator, supervisor, unit_a), dispatched(operator, supervisor, unit_b),
               submitted(operator, supervisor, leader)]
    for ticket in tickets:
        audience = staff_groups_for(ticket)
        for user in (operator, supervisor, leader, staff_a, staff_b, outsider, county_staff):
            reaches = bool(audience & set(groups_for_staff(user)))
            assert reaches == ticket_visible_to(user, ticket), (user, ticket)
    assert Unit.objects.count() >= 3


def test_a_just_registered_ticket_goes_to_the_office_alone_without_a_query(operator, supervisor, leader, staff_a,
                                                                          django_assert_num_queries):
    from dispatch.visibility import ticket_visible_to
    from hotline.workflow import TRANSITIONS
    from live.groups import groups_for_staff
    from live.payloads import staff_groups_for

    # What the short cut relies on: the one way back into 登记 is a leader's return of a ticket
    # reported from 登记 (tests/dispatch/test_leader_return.py checks the audience after it).
    into_registered = {name: t.sources for name, t in TRANSITIONS.items() if t.target == TicketState.REGISTERED}
    assert into_registered == {"leader_return": frozenset({TicketState.PENDING_APPROVAL})}
    ticket = register(operator)
    with django_assert_num_queries(0):
        audience = staff_groups_for(ticket)
    for user in (operator, supervisor, leader, staff_a):
        assert bool(audience & set(groups_for_staff(user))) == ticket_visible_to(user, ticket), user


async def test_logging_out_closes_that_browsers_sockets(staff_a):
    from django.contrib.auth import logout
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    cookie = await database_sync_to_async(session_cookie)(staff_a)
    comm = communicator("/ws/staff/", cookie)
    assert (await comm.connect())[0]
    assert (await comm.receive_json_from())["type"] == "hello"
    other = await staff_socket(staff_a)  # the same person in another browser stays connected

    def log_out():
        request = RequestFactory().post("/logout/")
        request.session = SessionStore(session_key=cookie.decode().split("=", 1)[1])
        request.user = staff_a
        logout(request)

    await database_sync_to_async(log_out)()
    assert (await comm.receive_output(timeout=2))["code"] == CLOSE_UNAUTHENTICATED
    assert await other.receive_nothing(timeout=QUIET)
    await other.disconnect()
