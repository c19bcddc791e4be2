"""The CTI webhook: a call rings, is answered (the operator's console pops up) and hangs up;
missed calls go to the callback list; bad secrets and malformed events are refused."""
import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from hotline.models import Role, Ticket
from telephony.models import Call
from tests.live.helpers import communicator, dispatched, register, session_cookie

from ..conftest import make_user

SECRET = "s3cret-cti-shared-key"


@pytest.fixture(autouse=True)
def cti_secret(settings):
    settings.CTI_SECRET = SECRET


def post(event: dict, secret: str | None = SECRET, raw: bytes | None = None, content_type="application/json"):
    headers = {"HTTP_X_CTI_SECRET": secret} if secret is not None else {}
    body = raw if raw is not None else json.dumps(event)
    return Client().post("/cti/events/", body, content_type=content_type, **headers)


async def staff_socket(user):
    comm = communicator("/ws/staff/", await database_sync_to_async(session_cookie)(user))
    assert (await comm.connect())[0]
    assert (await comm.receive_json_from())["type"] == "hello"
    return comm


async def next_of_type(comm, kind: str) -> dict:
    """The next message of `kind`, skipping ticket events the socket also receives."""
    while True:
        message = await comm.receive_json_from(timeout=2)
        if message["type"] == kind:
            return message


@pytest.mark.django_db(transaction=True)
async def test_new_call_answer_hangup_pops_up_the_callers_history(operator, supervisor, unit_a):
    other = await database_sync_to_async(make_user)("operator2", Role.OPERATOR, extension="8002")
    earlier = await database_sync_to_async(dispatched)(operator, supervisor, unit_a, title="路灯不亮",
                                                       phone="13812345678", name="张三")
    mine, theirs = await staff_socket(operator), await staff_socket(other)
    call = {"call_id": "C-1001", "caller": "+86 138-1234-5678", "called": "12345"}

    send = database_sync_to_async(post)
    assert (await send({"event": "newCall", **call})).status_code == 200
    response = await send({"event": "answer", **call, "extension": "8001"})
    assert response.status_code == 200 and response.json()["operator"] is True

    popup = (await next_of_type(mine, "call-popup"))["popup"]
    assert popup["call_id"] == "C-1001" and popup["caller"] == "13812345678" and popup["extension"] == "8001"
    assert popup["citizen"]["name"] == "张三" and popup["citizen"]["phone"] == "13812345678"
    assert [(h["number"], h["state"], h["state_label"], h["light"]) for h in popup["history"]] == [
        (earlier.number, "dispatched", "已派单", "green")]
    assert popup["prefill"] == {"channel": "phone", "citizen_phone": "13812345678", "citizen_name": "张三",
                                "call_id": "C-1001"}
    assert await theirs.receive_nothing(timeout=0.3)
    # issue 20: the operator saw the caller whole: one audit row, naming the citizen, not the number
    from audit.models import AuditEvent

    viewed = await database_sync_to_async(lambda: list(AuditEvent.objects.filter(
        action="identity_viewed", detail__surface="screen_pop").values_list(
        "actor_id", "target_type", "target_label")))()
    assert viewed == [(operator.pk, "citizen", f"citizen {earlier.citizen_id}")]

    assert (await send({"event": "hangup", **call})).json()["state"] == "completed"
    assert await mine.receive_nothing(timeout=0.3)  # an answered call is not a missed call
    # The operator registers the ticket from the pop-up: the call id stays on it.
    ticket = await database_sync_to_async(register)(operator, call_id=popup["prefill"]["call_id"])
    assert await database_sync_to_async(lambda: Ticket.objects.get(pk=ticket.pk).call_id)() == "C-1001"
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_first_time_caller_gets_an_empty_history(operator):
    sock = await staff_socket(operator)
    send = database_sync_to_async(post)
    await send({"event": "newCall", "call_id": "C-2", "caller": "13900001111"})
    await send({"event": "answer", "call_id": "C-2", "extension": "8001"})
    popup = (await next_of_type(sock, "call-popup"))["popup"]
    assert popup["citizen"] is None and popup["history"] == [] and popup["prefill"]["citizen_phone"] == "13900001111"
    await sock.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_missed_call_is_announced_to_operators(operator):
    sock = await staff_socket(operator)
    send = database_sync_to_async(post)
    await send({"event": "newCall", "call_id": "C-3", "caller": "13900002222"})
    assert (await send({"event": "hangup", "call_id": "C-3"})).json()["state"] == "missed"
    missed = (await next_of_type(sock, "missed-call"))["call"]
    assert missed["caller"] == "13900002222"
    await sock.disconnect()


@pytest.mark.django_db
def test_duplicate_and_out_of_order_events_only_move_a_call_forward(operator):
    assert post({"event": "hangup", "call_id": "C-4", "caller": "13900003333"}).json()["state"] == "missed"
    assert post({"event": "answer", "call_id": "C-4", "extension": "8001"}).json()["state"] == "completed"
    assert post({"event": "newCall", "call_id": "C-4"}).json()["state"] == "completed"
    post({"event": "newCall", "call_id": "C-5"})
    post({"event": "answer", "call_id": "C-5", "extension": "8001"})
    assert post({"event": "answer", "call_id": "C-5", "extension": "8001"}).json()["state"] == "answered"
    assert Call.objects.count() == 2


@pytest.mark.django_db
def test_form_encoded_events_are_accepted(operator):
    response = Client().post("/cti/events/", {"event": "newCall", "callId": "F-1", "from": "13900004444"},
                             HTTP_X_CTI_SECRET=SECRET)
    assert response.status_code == 200
    assert Call.objects.get(call_id="F-1").caller == "13900004444"


@pytest.mark.django_db
@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
def test_bad_secrets_are_refused(secret):
    response = post({"event": "newCall", "call_id": "X-1"}, secret=secret)
    assert response.status_code == 403
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_without_a_configured_secret_the_webhook_is_off(settings):
    settings.CTI_SECRET = ""
    assert post({"event": "newCall", "call_id": "X-1"}, secret="").status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"event": "ring", "call_id": "X"}, "event"),
    ({"call_id": "X"}, "event"),
    ({"event": "newCall"}, "call_id"),
    ({"event": "newCall", "call_id": "bad id with spaces"}, "call_id"),
    ({"event": "newCall", "call_id": "x" * 65}, "call_id"),
    ({"event": "newCall", "call_id": "X", "caller": "<script>"}, "caller"),
    ({"event": "answer", "call_id": "X"}, "extension"),
    ({"event": "answer", "call_id": "X", "extension": "80 01"}, "extension"),
    ({"event": "newCall", "call_id": "X", "timestamp": "yesterday"}, "timestamp"),
    ({"event": ["newCall"], "call_id": "X"}, "event"),
])
def test_malformed_events_are_refused(body, field):
    response = post(body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]
    assert not Call.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", "\u4e2d".encode("gbk"), b""])
def test_bodies_that_are_not_json_objects_are_refused(raw):
    assert post({}, raw=raw).status_code == 400


@pytest.mark.django_db
def test_only_post_is_allowed():
    assert Client().get("/cti/events/", HTTP_X_CTI_SECRET=SECRET).status_code == 405


@pytest.mark.django_db
def test_missed_call_list_and_calling_back(client, operator, staff_a):
    post({"event": "newCall", "call_id": "M-1", "caller": "13900005555"})
    post({"event": "hangup", "call_id": "M-1"})
    post({"event": "newCall", "call_id": "M-2", "caller": "13900006666"})
    post({"event": "answer", "call_id": "M-2", "extension": "8001"})
    client.force_login(operator)
    page = client.get("/console/missed-calls/").content.decode()
    assert "13900005555" in page and "13900006666" not in page and "已回拨" in page

    call = Call.objects.get(call_id="M-1")
    response = client.post("/console/missed-calls/", {"call": call.pk, "note": "已联系，市民将再来电"}, follow=True)
    assert "已登记回拨" in response.content.decode()
    call.refresh_from_db()
    assert call.called_back_by == operator and call.called_back_at
    waiting = response.context["waiting"]
    assert list(waiting) == []
    # Twice is a clear message, not an error page; junk ids are 404.
    again = client.post("/console/missed-calls/", {"call": call.pk}, follow=True).content.decode()
    assert "已由" in again
    assert client.post("/console/missed-calls/", {"call": "abc"}).status_code == 404

    client.force_login(staff_a)
    assert client.get("/console/missed-calls/").status_code == 403
    client.logout()
    assert client.get("/console/missed-calls/").status_code == 302


@pytest.mark.django_db
def test_the_demo_command_plays_answered_and_missed_calls(operator):
    from django.core.management import CommandError, call_command

    call_command("cti_call", "13900007777", "--extension", "8001", "--in-process")
    call_command("cti_call", "13900008888", "--missed", "--in-process")
    assert sorted(Call.objects.values_list("caller", "state")) == [
        ("13900007777", "completed"), ("13900008888", "missed")]
    with pytest.raises(CommandError):
        call_command("cti_call", "not-a-number", "--missed", "--in-process")
