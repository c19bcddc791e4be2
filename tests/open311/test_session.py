"""An Open311 client session, JSON and XML, every answer validated against the GeoReport v2
JSON Schemas (tests/open311/schema): discovery, services, a definition, create, read back, a
filtered list, a date window and the errors (bad key 403, missing service_code 400, unknown 404)."""
import datetime as dt

import pytest
from django.utils import timezone

from hotline.models import Channel, Ticket

from .conftest import EMAIL, NAME_FIRST, NAME_LAST, PHONE, street_report

pytestmark = pytest.mark.django_db


def test_discovery_and_services_need_no_key(session_a, street, plain):
    found = session_a.get("discovery", "discovery", key=False)
    assert found.status == 200
    assert found.body["endpoints"][0]["url"].endswith("/open311/v2")
    services = session_a.get("services", "services", key=False)
    assert services.status == 200
    by_code = {s["service_code"]: s for s in services.body}
    assert by_code[str(street.pk)]["metadata"] is True and by_code[str(street.pk)]["group"] == "城乡建设"
    assert "路灯" in by_code[str(street.pk)]["keywords"]
    assert by_code[str(plain.pk)]["metadata"] is False
    assert all(s["type"] == "realtime" for s in services.body)


def test_a_service_definition(session_a, street):
    definition = session_a.get(f"services/{street.pk}", "service_definition", key=False)
    assert definition.status == 200 and definition.body["service_code"] == str(street.pk)
    facility = next(a for a in definition.body["attributes"] if a["code"] == "facility")
    assert facility["datatype"] == "singlevaluelist" and facility["required"] is True
    assert {"key": "streetlight", "name": "路灯"} in facility["values"]
    assert session_a.get("services/999999", "service_definition", key=False).status == 404


def test_create_read_back_and_list(session_a, street, plain):
    created = session_a.post("requests", "post_requests", street_report(street))
    assert created.status == 200, created.body
    number = created.body[0]["service_request_id"]
    assert number in created.body[0]["service_notice"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == Channel.OPEN311 and ticket.category == street
    assert ticket.created_by.role == "partner" and ticket.citizen.phone == PHONE
    assert ticket.citizen.name == NAME_LAST + NAME_FIRST and "设施" in ticket.content and "路灯" in ticket.content
    assert str(ticket.latitude) == "28.228000"

    [read] = session_a.get(f"requests/{number}", "service_requests").body
    assert read["status"] == "open" and read["service_code"] == str(street.pk)
    assert read["lat"] == pytest.approx(28.228) and read["address"] == "城关镇人民路与解放路口"
    assert read["media_url"] == "https://app.example.com/p/1.jpg"
    assert read["requested_datetime"].endswith("+08:00")

    other = session_a.post("requests", "post_requests", {
        "service_code": str(plain.pk), "address_id": "GRID-0042", "description": "物业不打扫楼道"})
    assert other.status == 200
    everything = session_a.get("requests", "service_requests").body
    assert {r["service_request_id"] for r in everything} == {number, other.body[0]["service_request_id"]}
    only_street = session_a.get("requests", "service_requests", service_code=str(street.pk)).body
    assert [r["service_request_id"] for r in only_street] == [number]
    by_ids = session_a.get("requests", "service_requests", service_request_id=f"{number},nope").body
    assert [r["service_request_id"] for r in by_ids] == [number]
    assert session_a.get("requests", "service_requests", status="closed").body == []
    assert len(session_a.get("requests", "service_requests", status="open").body) == 2


def test_get_answers_carry_no_personal_data(session_a, street):
    number = session_a.post("requests", "post_requests", street_report(
        street, description=f"我是{NAME_LAST}{NAME_FIRST}，电话{PHONE}，路灯不亮")).body[0]["service_request_id"]
    for answer in (session_a.get(f"requests/{number}", "service_requests"),
                   session_a.get("requests", "service_requests")):
        text = answer.response.content.decode()
        for personal in (PHONE, NAME_FIRST, NAME_LAST + NAME_FIRST, EMAIL, "first_name", "phone", "email"):
            assert personal not in text, personal
        assert "路灯不亮" in text


def test_a_date_window(session_a, street):
    number = session_a.post("requests", "post_requests", street_report(street)).body[0]["service_request_id"]
    Ticket.objects.filter(number=number).update(created_at=timezone.now() - dt.timedelta(days=100))
    recent = session_a.post("requests", "post_requests", street_report(street)).body[0]["service_request_id"]
    # Without dates: the last 90 days.
    assert [r["service_request_id"] for r in session_a.get("requests", "service_requests").body] == [recent]
    start = (timezone.localtime() - dt.timedelta(days=110)).isoformat(timespec="seconds")
    end = (timezone.localtime() - dt.timedelta(days=95)).isoformat(timespec="seconds")
    window = session_a.get("requests", "service_requests", start_date=start, end_date=end).body
    assert [r["service_request_id"] for r in window] == [number]
    too_wide = session_a.get("requests", "service_requests", start_date=start,
                             end_date=timezone.localtime().isoformat(timespec="seconds"))
    assert too_wide.status == 400 and "90" in too_wide.body[0]["description"]
    assert session_a.get("requests", "service_requests", start_date="yesterday").status == 400
    assert session_a.get("requests", "service_requests", status="pending").status == 400


def test_errors(session_a, fmt, street, key_a):
    from .client import Open311Session

    bad_key = Open311Session(fmt, "not-a-key")
    refused = bad_key.post("requests", "post_requests", street_report(street))
    assert refused.status == 403 and refused.body[0]["code"] == 403
    assert Open311Session(fmt).post("requests", "post_requests", street_report(street)).status == 403
    assert bad_key.get("requests", "service_requests").status == 403

    missing = session_a.post("requests", "post_requests", street_report(street, service_code=""))
    assert missing.status == 400 and "service_code" in missing.body[0]["description"]
    unknown_service = session_a.post("requests", "post_requests", street_report(street, service_code="999999"))
    assert unknown_service.status == 404
    assert session_a.get("requests/26010199999", "service_requests").status == 404

    no_place = street_report(street)
    for name in ("lat", "long", "address_string"):
        no_place.pop(name)
    assert session_a.post("requests", "post_requests", no_place).status == 400
    no_answer = street_report(street)
    no_answer.pop("attribute[facility]")
    refused = session_a.post("requests", "post_requests", no_answer)
    assert refused.status == 400 and "attribute[facility]" in refused.body[0]["description"]
    wrong_value = session_a.post("requests", "post_requests", street_report(street, **{"attribute[facility]": "x"}))
    assert wrong_value.status == 400
    assert session_a.post("requests", "post_requests", street_report(street, lat="north")).status == 400
    assert session_a.post("requests", "post_requests", street_report(street, phone="12")).status == 400
    assert not Ticket.objects.exists()  # nothing half-filed
