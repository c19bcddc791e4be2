"""Idempotency-Key on POST /api/tickets/: a client that sends a registration again (a timeout,
an answer lost to a restart) gets the ticket it made, and the citizen is registered once."""
import pytest
from django.db import connection

from hotline.models import RegistrationKey, Ticket
from tests.concurrency import at_once, unexpected

BODY = {"channel": "phone", "ticket_type": "complaint", "content": "小区路灯不亮，晚上出行不安全。",
        "citizen_phone": "13700002222"}


def register(client, key, body=BODY):
    return client.post("/api/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_the_same_request_again_gives_back_the_first_ticket(operator, api, committed):
    client = api(operator)
    with committed():
        first = register(client, "0b9e6a52-6d3c-4c3e-9a51-1f2f6c1d7e01")
    again = register(client, "0b9e6a52-6d3c-4c3e-9a51-1f2f6c1d7e01")
    assert (first.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    ticket = Ticket.objects.get()
    assert ticket.sms_messages.filter(kind="citizen_receipt").count() == 1, "one receipt, not two"


@pytest.mark.django_db
def test_another_request_under_a_used_key_is_refused(operator, api):
    client = api(operator)
    register(client, "key-1")
    other = register(client, "key-1", BODY | {"content": "楼下餐馆油烟太大，影响休息。"})
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert Ticket.objects.count() == 1 and "路灯" in Ticket.objects.get().content


@pytest.mark.django_db
def test_keys_belong_to_one_account(operator, supervisor, api):
    register(api(operator), "shared-key")
    assert register(api(supervisor), "shared-key").status_code == 201
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "has space", "x" * 101, "中文键"])
def test_a_malformed_key_is_a_clear_error_and_registers_nothing(operator, api, key):
    answer = register(api(operator), key)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "Idempotency-Key"
    assert not Ticket.objects.exists() and not RegistrationKey.objects.exists()


@pytest.mark.django_db
def test_without_a_key_each_request_registers(operator, api):
    client = api(operator)
    client.post("/api/tickets/", BODY, format="json")
    client.post("/api/tickets/", BODY, format="json")
    assert Ticket.objects.count() == 2


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_same_key_twice_at_once_registers_once(operator, api):
    """Two copies of one request at the same moment (a client's retry overtaking a slow first
    try): the unique key makes the second's transaction roll back, and it answers the first's ticket."""
    assert connection.vendor == "postgresql"
    answers = at_once(*[lambda: register(api(operator), "at-once")] * 4)
    assert not unexpected(answers), answers
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["number"] for a in answers}) == 1
    assert Ticket.objects.count() == 1 and RegistrationKey.objects.count() == 1

