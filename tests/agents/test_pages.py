"""The agent's phone pages and who sees what: an agent sees only what they filed; operators see an
agent's ticket as an ordinary one, with the agent named; the API agrees."""
import pytest
from django.test import Client

from agents.models import Filing
from hotline.models import Ticket

from .conftest import CITIZEN, last_code

pytestmark = pytest.mark.django_db

FORM = {"citizen_name": "王大娘", "citizen_phone": CITIZEN, "ticket_type": "help",
        "content": "村口路灯坏了一个多月，晚上看不见路。", "address": "3组村道路口", "consent": "sms_code",
        "notify_agent": "on"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_login_lands_on_the_agent_page(agent):
    client = Client()
    client.post("/login/", {"username": agent.username, "password": "pass-12345"})
    assert client.get("/").headers["Location"] == "/agent/"
    page = client.get("/agent/").content.decode()
    assert "为村民代办诉求" in page and "槐店镇 · 王庄村" in page and 'name="photos"' in page
    assert 'accept="image/*"' in page and "multiple" in page


def test_send_code_then_file_from_the_page(agent, committed):
    client = signed_in(agent)
    sent = client.post("/agent/", FORM | {"action": "send_code"})
    page = sent.content.decode()
    assert sent.status_code == 200 and "验证码已发送至 138****0001" in page
    assert "村口路灯坏了一个多月" in page and 'value="王大娘"' in page  # what was typed stays
    with committed():
        filed = client.post("/agent/", FORM | {"action": "file", "code": last_code(CITIZEN)})
    ticket = Ticket.objects.get()
    assert filed.status_code == 302 and filed.headers["Location"] == f"/agent/tickets/{ticket.pk}/"
    detail = client.get(filed.headers["Location"]).content.decode()
    assert ticket.number in detail and "登记受理" in detail and "短信验证码" in detail


@pytest.mark.parametrize(("post", "message"), [
    ({"consent": "attestation", "citizen_phone": ""}, "请勾选承诺"),
    ({"citizen_phone": "12ab"}, "电话号码「12ab」无效"),
    ({"code": "123"}, "验证码"),
])
def test_bad_input_keeps_what_was_typed(agent, post, message):
    response = signed_in(agent).post("/agent/", FORM | {"action": "file"} | post)
    page = response.content.decode()
    assert response.status_code == 400 and message in page and 'role="alert"' in page
    assert "村口路灯坏了一个多月，晚上看不见路。" in page and 'value="王大娘"' in page and "3组村道路口" in page
    assert not Ticket.objects.exists()


def test_agent_sees_only_what_they_filed(agent, other_agent, file_with_code, operator):
    mine = file_with_code(agent).ticket
    theirs = file_with_code(other_agent, citizen_phone="13812340002").ticket
    from tests.factories import registered
    phone_ticket = registered({"operator": operator})
    client = signed_in(agent)
    listing = client.get("/agent/tickets/").content.decode()
    assert mine.number in listing and theirs.number not in listing and phone_ticket.number not in listing
    assert client.get(f"/agent/tickets/{mine.pk}/").status_code == 200
    for ticket in (theirs, phone_ticket):
        response = client.get(f"/agent/tickets/{ticket.pk}/")
        assert response.status_code == 404 and ticket.number not in response.content.decode()
    other = signed_in(other_agent).get("/agent/tickets/").content.decode()
    assert theirs.number in other and mine.number not in other


@pytest.mark.parametrize("url", ["/console/", "/board/", "/tickets/", "/unit/", "/m/", "/reports/",
                                 "/agent/report/", "/admin/"])
def test_agent_is_kept_out_of_staff_pages(agent, url):
    response = signed_in(agent).get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login/" in response.headers["Location"] or response.headers["Location"] in ("/", "/agent/")


def test_agent_api_lists_only_own_tickets(agent, other_agent, file_with_code, api):
    mine = file_with_code(agent).ticket
    file_with_code(other_agent, citizen_phone="13812340002")
    response = api(agent).get("/api/tickets/")
    if response.status_code == 200:
        numbers = [row["number"] for row in response.json()["results"]]
        assert numbers == [mine.number]
    else:
        assert response.status_code == 403


def test_operator_sees_the_agent_ticket_with_the_agent_named(agent, file_with_code, operator):
    ticket = file_with_code(agent).ticket
    page = signed_in(operator).get(f"/tickets/{ticket.pk}/").content.decode()
    assert ticket.number in page and "代办" in page
    assert "代办员何春花（槐店镇王庄村）" in page
    assert "王大娘" in page  # the centre sees the citizen whole


def test_staff_others_get_403_on_agent_pages(operator, leader, staff_a):
    for user in (operator, leader, staff_a):
        assert signed_in(user).get("/agent/").status_code == 403
        assert signed_in(user).get("/agent/tickets/").status_code == 403


def test_no_filing_without_a_profile(towns):
    from hotline.models import Role
    from tests.conftest import make_user
    bare = make_user("agent_x", Role.AGENT)
    response = signed_in(bare).get("/agent/")
    assert response.status_code == 403 and "尚未登记" in response.content.decode()
    assert not Filing.objects.exists()


def test_sending_a_code_needs_only_the_phone(agent):
    client = signed_in(agent)
    response = client.post("/agent/", {"citizen_phone": CITIZEN, "consent": "sms_code", "action": "send_code"})
    page = response.content.decode()
    assert response.status_code == 200 and "验证码已发送" in page and 'role="alert"' not in page
    assert f'value="{CITIZEN}"' in page


def test_sending_a_code_to_a_bad_number_keeps_the_form(agent):
    response = signed_in(agent).post("/agent/", FORM | {"citizen_phone": "0394-8123456", "action": "send_code"})
    page = response.content.decode()
    assert response.status_code == 400 and "代办员承诺" in page and 'role="alert"' in page
    assert "村口路灯坏了一个多月" in page and 'value="0394-8123456"' in page


def test_a_bad_photo_is_refused_before_the_code_is_spent(agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(agent)
    client.post("/agent/", FORM | {"action": "send_code"})
    fake = SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)></svg>", content_type="image/jpeg")
    response = client.post("/agent/", FORM | {"action": "file", "code": last_code(CITIZEN), "photos": [fake]})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not Ticket.objects.exists()
    with_code = client.post("/agent/", FORM | {"action": "file", "code": last_code(CITIZEN)})
    assert with_code.status_code == 302  # the same code still works
