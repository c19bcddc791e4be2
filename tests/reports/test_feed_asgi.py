"""The ASGI fast path answers token polls exactly as the Django view does."""
import json

import pytest
from channels.testing import HttpCommunicator
from rest_framework.authtoken.models import Token

from reports.asgi import DisplayFeedFastPath

pytestmark = pytest.mark.django_db(transaction=True)


async def django_app(scope, receive, send):
    """Stands in for Django: records that the request fell through."""
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"django"})


@pytest.fixture
def token(display_device):
    return Token.objects.create(user=display_device).key


async def get(path, headers=()):
    app = DisplayFeedFastPath(django_app)
    path, _, query = path.partition("?")
    communicator = HttpCommunicator(app, "GET", path, headers=list(headers))
    communicator.scope["query_string"] = query.encode()
    return await communicator.get_response()


@pytest.fixture
def snapshot(march):
    from reports import display

    return display.rebuild()  # built by the periodic task in production


async def test_token_poll_is_answered_from_the_snapshot(token, snapshot):
    response = await get("/api/display/summary.json", [(b"authorization", f"Token {token}".encode())])
    assert response["status"] == 200
    assert json.loads(response["body"])["title"] == "12345政务服务便民热线"
    gbk = await get("/api/display/summary.txt?charset=gbk", [(b"authorization", f"Token {token}".encode())])
    assert "今日受理" in gbk["body"].decode("gbk")
    assert dict(gbk["headers"])[b"content-type"] == b"text/plain; charset=GBK"


async def test_everything_else_goes_to_django(token, operator):
    op_token = await Token.objects.acreate(user=operator)
    for path, headers in [
        ("/api/display/summary.json", []),  # session polls from the kiosk page
        ("/api/display/summary.json", [(b"authorization", b"Token wrong")]),
        ("/api/display/summary.json", [(b"authorization", f"Token {op_token.key}".encode())]),
        ("/api/display/summary.txt?charset=latin1", [(b"authorization", f"Token {token}".encode())]),
        ("/reports/", [(b"authorization", f"Token {token}".encode())]),
    ]:
        response = await get(path, headers)
        assert response["status"] == 299, path
