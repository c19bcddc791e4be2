"""Bad input gets a 4xx with a clear Chinese message, never a 500, and writes nothing."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch import services as d
from dispatch.models import Assignment, Reply
from hotline.errors import InvalidInput
from hotline.models import Citizen, Ticket, TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

def error_of(response, status):
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error["message"]
    return error


@pytest.fixture
def op(api, people):
    return api(people["operator"])


@pytest.fixture
def sup(api, people):
    return api(people["supervisor"])


VALID = {"ticket_type": "complaint", "content": "噪音扰民", "citizen_phone": "13812345678"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"citizen_phone": "12345"}, "citizen_phone", "电话号码"),
    ({"citizen_phone": "1381234567a"}, "citizen_phone", "无效"),
    ({"citizen_phone": "23812345678"}, "citizen_phone", "无效"),
    ({"content": ""}, "content", ""),
    ({"content": "   "}, "content", "不能为空"),
    ({"content": "长" * 5001}, "content", "5000"),
    ({"title": "题" * 201}, "title", "200"),
    ({"address": "址" * 201}, "address", "200"),
    ({"ticket_type": "rant"}, "ticket_type", ""),
    ({"ticket_type": 123}, "ticket_type", ""),
    ({"channel": "fax"}, "channel", ""),
    ({"urgency": ["urgent"]}, "urgency", ""),
    ({"category": "abc"}, "category", ""),
    ({"content": {"text": "嵌套"}}, "content", ""),
])
def test_registration_rejects_bad_fields(op, change, field, words):
    before = Ticket.objects.count(), Citizen.objects.count(), TicketEvent.objects.count()
    error = error_of(op.post("/api/tickets/", VALID | change, format="json"), 400)
    assert error["field"] == field
    assert words in error["message"]
    assert (Ticket.objects.count(), Citizen.objects.count(), TicketEvent.objects.count()) == before


def test_staff_may_register_a_web_or_letter_request_without_a_phone_but_intake_may_not(op):
    """An operator types in a letter or a web message whose writer gave no number (no SMS can
    follow); the portal's and SMS intake, which answer by SMS, still need one."""
    from hotline.services.tickets import ticket_register

    r = op.post("/api/tickets/", VALID | {"channel": "web", "citizen_phone": ""}, format="json")
    assert r.status_code == 201 and r.json()["citizen"] is None
    with pytest.raises(InvalidInput, match="联系电话"):
        ticket_register(channel="web", ticket_type="complaint", content="噪音扰民", actor=None,
                        actor_label="网站")


def test_a_registration_naming_an_unknown_category_is_404_and_writes_nothing(op):
    before = Ticket.objects.count(), Citizen.objects.count(), TicketEvent.objects.count()
    error = error_of(op.post("/api/tickets/", VALID | {"category": 99999999}, format="json"), 404)
    assert error["field"] == "category" and error["code"] == "not_found"
    assert (Ticket.objects.count(), Citizen.objects.count(), TicketEvent.objects.count()) == before


def test_phone_numbers_are_normalised(op):
    for raw, stored in (("+86 138-1234-5678", "13812345678"), ("0086 13812345679", "13812345679"),
                        ("0394-8123456", "0394-8123456")):
        r = op.post("/api/tickets/", VALID | {"citizen_phone": raw}, format="json")
        assert r.status_code == 201 and r.json()["citizen"]["phone"] == stored


@pytest.mark.parametrize("body", ['{"ticket_type": "complaint", ', "not json", "[1, 2]", '"text"', "null"])
def test_malformed_json(op, body):
    error = error_of(op.post("/api/tickets/", body, content_type="application/json"), 400)
    assert error["code"] in {"parse_error", "invalid"}


def test_wrong_content_type(op):
    error_of(op.post("/api/tickets/", "<xml/>", content_type="application/xml"), 415)


@pytest.mark.parametrize("path", ["/api/tickets/999999/", "/api/tickets/abc/", "/api/tickets/0/",
                                  "/api/tickets/-5/", "/api/tickets/99999999999999999999999/",
                                  "/api/tickets/999999/timeline/"])
def test_unknown_ticket_ids(op, path):
    assert error_of(op.get(path), 404)["message"] == "工单不存在"


def test_unknown_ids_in_actions(op, sup, api, people):
    assert error_of(sup.post("/api/tickets/424242/dispatch/", {"lead_unit": 1}, format="json"), 404)
    ticket = f.registered(people)
    # A body that names a unit that is not there: the same answer as a path that names nothing.
    error = error_of(sup.post(f"/api/tickets/{ticket.pk}/dispatch/", {"lead_unit": 987654}, format="json"), 404)
    assert error["field"] == "lead_unit" and error["code"] == "not_found"
    error = error_of(sup.post(f"/api/tickets/{ticket.pk}/merge/", {"into": "26010199999"}, format="json"), 404)
    assert error["field"] == "into"
    error_of(sup.post("/api/extensions/777/decide/", {"approve": True}, format="json"), 404)
    assert f.fresh(ticket).state == "registered"


def test_unknown_api_paths_and_methods_answer_in_json(op):
    assert error_of(op.get("/api/no-such-thing/"), 404)["code"] == "not_found"
    assert error_of(op.delete("/api/tickets/"), 405)["message"] == "不支持 DELETE 请求"


@pytest.mark.parametrize(("make", "who", "action", "body"), [
    (f.replied, "staff_a", "sign", None),
    (f.dispatched, "supervisor", "dispatch", "lead_unit"),
    (f.dispatched, "staff_a", "reply", {"text": "没签收就回复"}),
    (f.in_progress, "staff_a", "sign", None),
    (f.registered, "leader", "instruct", {"text": "同意"}),
    (f.replied, "operator", "answer", {"answer": "重复答复"}),
    (f.replied, "supervisor", "urge", {}),
    (f.registered, "operator", "callback", {"result": "satisfied"}),
    (f.dispatched, "staff_a", "extensions", {"reason": "未签收先延期", "extra_days": 2}),
])
def test_wrong_state_is_a_conflict_and_changes_nothing(make, who, action, body, api, people):
    ticket = make(people)
    if who == "leader":  # one the leader sees, already instructed
        ticket = f.pending(people)
        d.ticket_instruct(ticket=ticket, actor=people["leader"], text="先批示一次")
    if body == "lead_unit":
        body = {"lead_unit": people["staff_a"].unit_id}
    before = f.fresh(ticket), TicketEvent.objects.count(), Assignment.objects.count()
    response = api(people[who]).post(f"/api/tickets/{ticket.pk}/{action}/", body, format="json")
    error = error_of(response, 409)
    assert error["code"] in {"state_conflict", "conflict", "no_pending_survey"}
    after = f.fresh(ticket)
    assert (after.state, after.version, after.due_at) == (before[0].state, before[0].version, before[0].due_at)
    assert (TicketEvent.objects.count(), Assignment.objects.count()) == before[1:]


@pytest.mark.parametrize(("body", "field"), [
    ({"reason": "需要时间", "extra_days": 0}, "extra_days"),
    ({"reason": "需要时间", "extra_days": 31}, "extra_days"),
    ({"reason": "需要时间", "extra_days": "three"}, "extra_days"),
    ({"reason": "需要时间", "extra_days": 2.5}, "extra_days"),
    ({"reason": "", "extra_days": 2}, "reason"),
    ({"reason": "理" * 1001, "extra_days": 2}, "reason"),
    ({"extra_days": 2}, "reason"),
])
def test_extension_request_validation(body, field, api, people):
    ticket = f.in_progress(people)
    error = error_of(api(people["staff_a"]).post(f"/api/tickets/{ticket.pk}/extensions/", body, format="json"), 400)
    assert error["field"] == field
    assert not ticket.extension_requests.exists()


@pytest.mark.parametrize(("action", "body", "field", "status"), [
    ("dispatch", {"lead_unit": "abc"}, "lead_unit", 400),
    ("dispatch", {"lead_unit": [1]}, "lead_unit", 400),
    ("dispatch", {}, "lead_unit", 400),
    ("dispatch", {"lead_unit": "UNIT_A", "co_units": "UNIT_B"}, "co_units", 400),
    ("dispatch", {"lead_unit": "UNIT_A", "co_units": [123456]}, "co_units", 404),  # names no unit
    ("dispatch", {"lead_unit": "UNIT_A", "note": "意" * 1001}, "note", 400),
    ("submit-for-approval", {"leader": "UNIT_A"}, "leader", 404),  # a unit id names no leader
    ("answer", {"answer": ""}, "answer", 400),
    ("answer", {"answer": "答" * 5001}, "answer", 400),
    ("merge", {}, "into", 400),
    ("merge", {"into": "本工单"}, "into", 400),
    ("invalid", {"reason": "因" * 501}, "reason", 400),
])
def test_office_action_validation(action, body, field, status, sup, people):
    ticket = f.registered(people)
    unit_a, unit_b = people["staff_a"].unit_id, people["staff_b"].unit_id
    body = json.loads(json.dumps(body).replace('"UNIT_A"', str(unit_a)).replace('"UNIT_B"', str(unit_b)))
    if body.get("into") == "本工单":
        body["into"] = ticket.number
    before = TicketEvent.objects.count()
    error = error_of(sup.post(f"/api/tickets/{ticket.pk}/{action}/", body, format="json"), status)
    assert error["field"] == field
    assert f.fresh(ticket).state == "registered" and TicketEvent.objects.count() == before


def test_dispatch_to_an_inactive_co_unit_writes_nothing(sup, people):
    ticket = f.registered(people)
    unit_b = people["staff_b"].unit
    unit_b.is_active = False
    unit_b.save()
    body = {"lead_unit": people["staff_a"].unit_id, "co_units": [unit_b.pk]}
    error = error_of(sup.post(f"/api/tickets/{ticket.pk}/dispatch/", body, format="json"), 400)
    assert "已停用" in error["message"]
    assert not Assignment.objects.exists() and f.fresh(ticket).state == "registered"


def test_callback_and_decision_validation(api, people):
    ticket = f.replied(people)
    op = api(people["operator"])
    for body, field in (({"result": "happy"}, "result"), ({}, "result"),
                        ({"result": "satisfied", "method": "pigeon"}, "method"),
                        ({"result": "satisfied", "resolved": "maybe"}, "resolved")):
        assert error_of(op.post(f"/api/tickets/{ticket.pk}/callback/", body, format="json"), 400)["field"] == field
    assert f.fresh(ticket).state == "replied"
    ext = f.with_pending_extension(people)
    sup = api(people["supervisor"])
    for body in ({}, {"approve": "perhaps"}, {"approve": True, "note": "见" * 1001}):
        error_of(sup.post(f"/api/extensions/{ext.pk}/decide/", body, format="json"), 400)
    ext.refresh_from_db()
    assert ext.state == "pending"


REPLY = "已联系物业公司更换破损水管并修补墙面，市民确认不再漏水"


def test_oversize_or_too_many_attachments_write_nothing(api, people, settings):
    settings.HOTLINE_MAX_ATTACHMENT_BYTES = 1024 * 1024
    ticket = f.in_progress(people)
    client = api(people["staff_a"])
    big = SimpleUploadedFile("现场.jpg", b"x" * (1024 * 1024 + 1), content_type="image/jpeg")
    error = error_of(client.post(f"/api/tickets/{ticket.pk}/reply/", {"text": REPLY, "files": [big]},
                                 format="multipart"), 400)
    assert "现场.jpg" in error["message"] and "1MB" in error["message"]
    many = [SimpleUploadedFile(f"{i}.txt", b"ok") for i in range(11)]
    error_of(client.post(f"/api/tickets/{ticket.pk}/reply/", {"text": REPLY, "files": many}, format="multipart"), 400)
    error_of(client.post(f"/api/tickets/{ticket.pk}/reply/", {"text": REPLY, "files": ["not-a-file"]},
                         format="json"), 400)
    assert f.fresh(ticket).state == "in_progress" and not Reply.objects.exists()


@pytest.mark.parametrize("query", ["light=purple", "state=open", "unit=abc", "unit=1.5", "category=x",
                                   "created_after=yesterday", "created_from=2026-13-01", "ticket_type=rant",
                                   "channel=fax", "page_size=abc", "page_size=0", "page_size=101", "page_size=null"])
def test_bad_list_filters(op, query):
    error_of(op.get(f"/api/tickets/?{query}"), 400)


@pytest.mark.parametrize("query", ["unit=999999", "category=99999999", "unit=0"])
def test_a_filter_naming_nothing_lists_nothing(op, people, query):
    f.dispatched(people)
    response = op.get(f"/api/tickets/?{query}")
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("cursor", ["bz0tNQ==", "cD1nYXJiYWdl", "¡3smÇ"])
def test_a_cursor_that_names_no_page_is_404_with_what_to_do(op, cursor):
    error = error_of(op.get("/api/tickets/", {"cursor": cursor}), 404)
    assert error["code"] == "invalid_cursor" and error["field"] == "cursor" and "第一页" in error["message"]


def test_bad_if_match(api, people):
    ticket = f.dispatched(people)
    client = api(people["staff_a"])
    error = error_of(client.post(f"/api/tickets/{ticket.pk}/sign/", HTTP_IF_MATCH='"v-seven"'), 400)
    assert error["field"] == "If-Match"
    stale = client.post(f"/api/tickets/{ticket.pk}/sign/", HTTP_IF_MATCH='"999"')
    assert error_of(stale, 409)["code"] == "stale_version"
    assert f.fresh(ticket).state == "dispatched"


def test_caller_history_needs_a_valid_phone(op):
    error_of(op.get("/api/citizens/history/"), 400)
    error_of(op.get("/api/citizens/history/?phone=abc"), 400)
    assert op.get("/api/citizens/history/?phone=13999999999").json() == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
fields = st.sampled_from(["ticket_type", "content", "citizen_phone", "channel", "urgency", "category", "title",
                          "address", "citizen_name", "area", "call_id"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(fields, json_values, max_size=6))
def test_registration_never_answers_500(op, body):
    response = op.post("/api/tickets/", body, format="json")
    assert response.status_code in (201, 400, 404), (body, response.content.decode())
    if response.status_code == 404:  # only for a category id that names nothing
        assert response.json()["error"]["field"] == "category", (body, response.content.decode())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["lead_unit", "co_units", "note"]), json_values, max_size=3))
def test_dispatch_never_answers_500(sup, people, body):
    ticket = f.registered(people)
    response = sup.post(f"/api/tickets/{ticket.pk}/dispatch/", body, format="json")
    assert response.status_code in (200, 400, 404), (body, response.content.decode())
    if response.status_code == 404:  # only for a unit id that names nothing
        assert response.json()["error"]["field"] in ("lead_unit", "co_units"), (body, response.content.decode())


@pytest.mark.postgres_too
@pytest.mark.parametrize("query", ["created_after=0265-12-22T19:35:01-16:14",
                                   "created_before=2026-01-01T00:00:00%2B23:59"])
def test_a_moment_with_an_offset_postgresql_refuses_is_still_read(op, query):
    assert op.get(f"/api/tickets/?{query}").status_code == 200


def test_a_moment_that_leaves_the_calendar_in_utc_is_bad_input(op):
    error_of(op.get("/api/tickets/?created_after=0001-01-01T00:00:00%2B16:00"), 400)
