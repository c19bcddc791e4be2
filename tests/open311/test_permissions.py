"""Partner keys see only their own tickets (Open311 and the REST API), a disabled key is 403, a
partner files and reads through the REST API but acts on nothing, and each key has its own rate
limit (429 in the spec's error list)."""
import pytest
from django.test import Client

from hotline.models import Channel, Role, Ticket
from open311.services import partner_key_disable
from tests import factories

from .client import Open311Session
from .conftest import PHONE, street_report

pytestmark = pytest.mark.django_db


def rest(key) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key.raw}")


def file_one(session, street) -> str:
    answer = session.post("requests", "post_requests", street_report(street))
    assert answer.status == 200, answer.body
    return answer.body[0]["service_request_id"]


def test_a_key_never_sees_another_keys_requests(session_a, session_b, street, key_a, key_b, people):
    mine, theirs = file_one(session_a, street), file_one(session_b, street)
    factories.registered(people)  # an operator's ticket: nobody's key sees it
    assert [r["service_request_id"] for r in session_a.get("requests", "service_requests").body] == [mine]
    assert session_a.get(f"requests/{theirs}", "service_requests").status == 404
    assert session_a.get("requests", "service_requests", service_request_id=theirs).body == []
    # The REST API: the same rule.
    listed = rest(key_a).get("/api/tickets/").json()["results"]
    assert [t["number"] for t in listed] == [mine]
    theirs_id = Ticket.objects.get(number=theirs).pk
    assert rest(key_a).get(f"/api/tickets/{theirs_id}/").status_code == 404
    assert rest(key_b).get(f"/api/tickets/{theirs_id}/").status_code == 200


def test_a_disabled_key_is_refused(fmt, key_a, street):
    session = Open311Session(fmt, key_a.raw)
    file_one(session, street)
    partner_key_disable(key=key_a.key)
    refused = session.post("requests", "post_requests", street_report(street))
    assert refused.status == 403 and "停用" in refused.body[0]["description"]
    assert session.get("requests", "service_requests").status == 403
    assert rest(key_a).get("/api/tickets/").status_code == 403


def test_a_partner_files_and_reads_over_rest_but_acts_on_nothing(key_a, people, plain):
    client = rest(key_a)
    created = client.post("/api/tickets/", {"ticket_type": "help", "content": "小区楼道灯坏了",
                                            "citizen_phone": PHONE, "category": plain.pk},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert ticket.channel == Channel.API and ticket.created_by == key_a.key.user
    assert client.get(f"/api/tickets/{ticket.pk}/").status_code == 200
    # As a phone call (an operator's channel): refused.
    as_operator = client.post("/api/tickets/", {"channel": "phone", "ticket_type": "help", "content": "x"},
                              content_type="application/json")
    assert as_operator.status_code == 403
    # Acting on its own ticket, or anything else on the API: 403.
    for path, body in ((f"/api/tickets/{ticket.pk}/dispatch/", {"lead_unit": people["staff_a"].unit_id}),
                       (f"/api/tickets/{ticket.pk}/answer/", {"answer": "已答复"}),
                       (f"/api/tickets/{ticket.pk}/invalid/", {"reason": "无效"})):
        assert client.post(path, body, content_type="application/json").status_code == 403, path
    for path in (f"/api/tickets/{ticket.pk}/timeline/", f"/api/tickets/{ticket.pk}/identity/", "/api/inbox/",
                 "/api/units/", "/api/citizens/history/?phone=13912340000"):
        assert client.get(path).status_code == 403, path
    assert Ticket.objects.get(pk=ticket.pk).state == "registered"


def test_a_bad_rest_key_is_not_an_operator(key_a):
    response = Client(HTTP_AUTHORIZATION="Api-Key wrong").get("/api/tickets/")
    assert response.status_code == 401
    assert key_a.key.user.role == Role.PARTNER


def test_each_key_has_its_own_rate_limit(fmt, key_a, key_b, street):
    key_a.key.per_minute = 2
    key_a.key.save()
    session = Open311Session(fmt, key_a.raw)
    for _ in range(2):
        assert session.get("requests", "service_requests").status == 200
    refused = session.get("requests", "service_requests")
    assert refused.status == 429 and refused.body[0]["code"] == 429
    assert int(refused.response["Retry-After"]) > 0
    assert session.post("requests", "post_requests", street_report(street)).status == 429
    # Another key from the same address goes on.
    assert Open311Session(fmt, key_b.raw).get("requests", "service_requests").status == 200
    # The same key on the REST API counts in the same window.
    assert rest(key_a).get("/api/tickets/").status_code == 429


def test_a_partner_system_retrying_over_rest_files_once(key_a, key_b, plain):
    """A city app (an Open311 partner key on the REST API) is the client most likely to retry."""
    body = {"ticket_type": "help", "content": "小区楼道灯坏了", "citizen_phone": "13700003333", "category": plain.pk}

    def post(key):
        return rest(key).post(
            "/api/tickets/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="app-order-77")

    first, again, other_partner = post(key_a), post(key_a), post(key_b)
    assert (first.status_code, again.status_code, other_partner.status_code) == (201, 201, 201)
    assert again.json()["id"] == first.json()["id"] != other_partner.json()["id"]
    assert Ticket.objects.count() == 2
