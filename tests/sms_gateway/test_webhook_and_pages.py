"""Twilio-format inbound webhook (signature checked) and the dev phone page."""
import pytest
from twilio.request_validator import RequestValidator

from hotline.models import Role, Ticket
from sms_gateway.models import Message
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
URL = "http://testserver/sms/twilio/inbound/"


def signed(account, params, url=URL):
    return RequestValidator(account.auth_token).compute_signature(url, params)


def post_inbound(client, account, params, signature=None):
    return client.post("/sms/twilio/inbound/", params,
                       HTTP_X_TWILIO_SIGNATURE=signature if signature is not None else signed(account, params))


def mo(account, body="井盖丢失，路人容易掉下去", sid="SM" + "a" * 32):
    return {"AccountSid": account.sid, "MessageSid": sid, "From": "+8613812345678", "To": "12345",
            "Body": body, "NumSegments": "1"}


def test_signed_webhook_feeds_intake(client, account, committed, phone_inbox):
    with committed():
        response = post_inbound(client, account, mo(account))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.decode().endswith("<Response></Response>")
    ticket = Ticket.objects.get()
    assert ticket.channel == "sms" and ticket.citizen.phone == "13812345678"
    inbound = Message.objects.get(direction="inbound")
    assert inbound.sid == "SM" + "a" * 32 and inbound.account == account and inbound.ticket == ticket
    assert ticket.number in phone_inbox("13812345678")[-1]


def test_same_message_sid_twice_is_one_record(client, account, committed):
    with committed():
        post_inbound(client, account, mo(account))
        post_inbound(client, account, mo(account))
    assert Message.objects.filter(direction="inbound").count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "wrong"])
def test_bad_signature_is_refused(client, account, signature):
    response = post_inbound(client, account, mo(account), signature=signature)
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_signature_of_other_params_or_token_is_refused(client, account):
    params = mo(account)
    tampered = dict(params, Body="改过的内容")
    assert post_inbound(client, account, tampered, signature=signed(account, params)).status_code == 403
    account.auth_token = "rotated-token-0000"
    account.save()
    assert post_inbound(client, account, params, signature=RequestValidator("old").compute_signature(
        URL, params)).status_code == 403


def test_unknown_account_and_get(client, account):
    params = dict(mo(account), AccountSid="AC" + "0" * 32)
    assert post_inbound(client, account, params).status_code == 403
    assert client.get("/sms/twilio/inbound/").status_code == 405


def test_webhook_bad_input(client, account, committed):
    params = dict(mo(account), From="", MessageSid="bogus")
    assert post_inbound(client, account, params).status_code == 400
    with committed():
        params = dict(mo(account, body=""), MessageSid="bogus", NumSegments="x")
        assert post_inbound(client, account, params).status_code == 200
    assert Message.objects.get(direction="inbound").intake_note.startswith("空短信")


# --- dev phone ---------------------------------------------------------------

def test_dev_phone_shows_and_replies(client, operator, committed):
    client.force_login(operator)
    with committed():
        response = client.post("/dev/phone/", {"phone": "13812345678", "body": "楼下烧烤店油烟扰民"})
    assert response.status_code == 302
    page = client.get("/dev/phone/?phone=13812345678").content.decode()
    ticket = Ticket.objects.get()
    assert "楼下烧烤店油烟扰民" in page and ticket.number in page
    assert "13812345678" in client.get("/dev/phone/").content.decode()
    fragment = client.get("/dev/phone/?phone=13812345678&fragment=1").content.decode()
    assert "<html" not in fragment and ticket.number in fragment


def test_dev_phone_rejects_bad_input(client, operator):
    client.force_login(operator)
    assert "有效的11位手机号" in client.post("/dev/phone/", {"phone": "123", "body": "x"}).content.decode()
    too_long = client.post("/dev/phone/", {"phone": "13812345678", "body": "长" * 2001}).content.decode()
    assert "不能超过2000个字" in too_long
    assert not Message.objects.exists()


def test_dev_phone_access(client, settings, staff_a):
    assert client.get("/dev/phone/").status_code == 302  # to the login page
    client.force_login(staff_a)
    assert client.get("/dev/phone/").status_code == 403
    admin = make_user("boss", Role.ADMIN)
    client.force_login(admin)
    assert client.get("/dev/phone/").status_code == 200
    settings.SMS_DEV_PHONE = False
    assert client.get("/dev/phone/").status_code == 404
