"""The official twilio client, unchanged, against a live server of the product."""
import base64
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from hotline.models import Citizen
from sms_gateway.models import ApiAccount, Message, StatusCallback

# live_server needs committed data (tests/conftest.py reloads the migrations' rows before each test).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(live_server, account):
    twilio = Client(account.sid, account.auth_token)
    twilio.api.base_url = live_server.url
    return twilio


def test_create_fetch_list(client, account):
    created = client.messages.create(to="+86 138-1234-5678", from_="12345", body="您的工单已受理" * 20)
    assert created.sid.startswith("SM") and len(created.sid) == 34
    assert created.status == "delivered" or created.status in ("queued", "sent")
    assert created.to == "13812345678" and created.num_segments == "3"
    assert created.account_sid == account.sid and created.direction == "outbound-api"
    fetched = client.messages(created.sid).fetch()
    assert fetched.body == "您的工单已受理" * 20 and fetched.status == "delivered"
    assert fetched.date_sent is not None


def test_list_pages_and_filters(client):
    sids = [client.messages.create(to=f"1390000{i:04d}", body=f"第{i}条").sid for i in range(7)]
    listed = client.messages.list(page_size=3)
    assert [m.sid for m in listed] == sids[::-1], "every message once, newest first, across 3 pages"
    page = client.messages.page(page_size=3)
    assert len(page._payload["messages"]) == 3 and page.next_page_url
    second = page.next_page()
    assert second._payload["page"] == 1 and second._payload["previous_page_uri"]
    assert [m.sid for m in client.messages.list(to="13900000003")] == [sids[3]]
    assert len(client.messages.list(from_="12345")) == 7
    today = Message.objects.first().date_sent
    assert len(client.messages.list(date_sent_after=today.replace(hour=0, minute=0, second=0))) == 7
    assert client.messages.list(date_sent_before=today.replace(year=2001)) == []


def test_accounts_see_only_their_messages(client, live_server):
    other = ApiAccount.objects.create(friendly_name="另一个")
    theirs = Client(other.sid, other.auth_token)
    theirs.api.base_url = live_server.url
    sid = theirs.messages.create(to="13800000001", body="别人的").sid
    assert client.messages.list() == []
    with pytest.raises(TwilioRestException) as exc:
        client.messages(sid).fetch()
    assert exc.value.code == 20404 and exc.value.status == 404


@pytest.mark.parametrize("kwargs, code", [
    ({"to": "12345", "body": "x"}, 21211),
    ({"to": "not a number", "body": "x"}, 21211),
    ({"to": "13812345678", "body": ""}, 21602),
    ({"to": "13812345678", "body": "   "}, 21602),
    ({"to": "13812345678", "body": "长" * 2000}, 21617),
    ({"to": "13812345678", "body": "x", "from_": "abc"}, 21212),
    ({"to": "13812345678", "body": "x", "status_callback": "ftp://x"}, 21609),
])
def test_error_codes(client, kwargs, code):
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(**kwargs)
    assert exc.value.code == code and exc.value.status == 400
    assert Message.objects.count() == 0


def test_unsubscribed_recipient(client):
    Citizen.objects.create(phone="13812345678", sms_opt_out=True)
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to="13812345678", body="通知")
    assert exc.value.code == 21610


def test_bad_credentials(live_server, account):
    bad = Client(account.sid, "wrong-token")
    bad.api.base_url = live_server.url
    with pytest.raises(TwilioRestException) as exc:
        bad.messages.create(to="13812345678", body="x")
    assert exc.value.code == 20003 and exc.value.status == 401
    with pytest.raises(TwilioException, match="20003"):  # the client's own wording for a failed list
        bad.messages.list()
    other = ApiAccount.objects.create(friendly_name="另一个")
    mismatched = Client(account.sid, account.auth_token, account_sid=other.sid)
    mismatched.api.base_url = live_server.url
    with pytest.raises(TwilioRestException) as exc:
        mismatched.messages("SM" + "0" * 32).fetch()
    assert exc.value.code == 20003
    assert Message.objects.count() == 0


def test_bad_list_parameters_are_400_not_500(live_server, account):
    import requests

    auth = (account.sid, account.auth_token)
    base = f"{live_server.url}/2010-04-01/Accounts/{account.sid}/Messages.json"
    for query in ("PageSize=0", "PageSize=abc", "Page=-1", "DateSent=yesterday", "PageToken=zz"):
        response = requests.get(f"{base}?{query}", auth=auth, timeout=5)
        assert response.status_code == 400, query
        assert response.json()["code"] == 20001
    assert requests.get(base, timeout=5).json()["code"] == 20003
    garbage = {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe").decode()}
    assert requests.get(base, headers=garbage, timeout=5).status_code == 401


class CallbackSink(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        params = {k: v[0] for k, v in parse_qs(body).items()}
        self.received.append((self.headers.get("X-Twilio-Signature"), params))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sink():
    CallbackSink.received = []
    server = HTTPServer(("127.0.0.1", 0), CallbackSink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/status", CallbackSink.received
    server.shutdown()


def test_status_callbacks_are_signed(client, account, sink):
    url, received = sink
    message = client.messages.create(to="13812345678", body="回调测试", status_callback=url)
    statuses = [params["MessageStatus"] for _, params in received]
    assert statuses == ["sent", "delivered"]
    validator = RequestValidator(account.auth_token)
    for signature, params in received:
        assert params["MessageSid"] == message.sid and params["AccountSid"] == account.sid
        assert validator.validate(url, params, signature)
        assert not RequestValidator("another-token").validate(url, params, signature)
    assert StatusCallback.objects.filter(delivered_at__isnull=False).count() == 2


def test_unreachable_callback_is_kept_for_retry(client):
    client.messages.create(to="13812345678", body="x", status_callback="http://127.0.0.1:9/nowhere")
    pending = StatusCallback.objects.filter(delivered_at__isnull=True, given_up=False)
    assert pending.count() == 2 and all(c.attempts == 1 and c.last_error for c in pending)


def test_a_message_has_every_field_the_official_client_reads_and_nothing_else(client, account, live_server):
    """Field by field against twilio's own MessageInstance (what it reads from a payload), plus
    subresource_uris, which Twilio's documented Message resource has and the client leaves as JSON."""
    import inspect
    import json
    import re
    import urllib.request

    from twilio.rest.api.v2010.account import message as twilio_message

    official = set(re.findall(r'payload\.get\("(\w+)"\)', inspect.getsource(twilio_message.MessageInstance)))
    assert {"sid", "body", "status", "num_segments", "date_created"} <= official
    created = client.messages.create(to="13812345678", from_="12345", body="字段核对")
    request = urllib.request.Request(f"{live_server.url}{created.uri}")
    request.add_header("Authorization", "Basic " + __import__("base64").b64encode(
        f"{account.sid}:{account.auth_token}".encode()).decode())
    payload = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert set(payload) == official | {"subresource_uris"}
    assert isinstance(payload["num_segments"], str) and isinstance(payload["num_media"], str)  # Twilio: strings
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000", payload["date_created"])
