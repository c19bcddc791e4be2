"""The display board and its feeds: token auth, cached snapshot, and no personal data ever."""
import json

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from hotline.privacy import scrub_text
from reports import display, rollup

from .factories import make_ticket

NAMES = ["王小明", "欧阳娜娜", "张建国", "李秀英"]
PHONES = ["13812345678", "138-1234-5678", "+86 139 8765 4321", "0731-84561234", "84561234"]
ID_NUMBERS = ["430102199003071234", "43010219900307123X", "430102900307123"]
ADDRESSES = ["人民路128号", "幸福小区3栋2单元501室", "解放西路45号院7号楼", "建设街12-3-401"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    display._local.update(entry=None, until=0.0)
    yield
    cache.clear()
    display._local.update(entry=None, until=0.0)


@pytest.fixture
def leaky_tickets(db, unit_a):
    """Tickets whose every field is full of personal data."""
    tickets = []
    for i, name in enumerate(NAMES):
        phone, id_number, address = PHONES[i % len(PHONES)], ID_NUMBERS[i % 3], ADDRESSES[i]
        tickets.append(make_ticket(
            created="2025-03-03 09:00",
            title=f"{name}反映{address}漏水，电话{phone}",
            content=f"我叫{name}，身份证{id_number}，住{address}，手机{phone}，请联系{name}先生。",
            phone="1390000000" + str(i), name=name, address=address, area="A3区", lead_unit=unit_a,
        ))
    # The newest ticket is registered now, so it leads the recent list.
    from django.utils import timezone

    from hotline.models import Ticket
    Ticket.objects.filter(pk=tickets[-1].pk).update(created_at=timezone.now())
    return tickets


def assert_clean(body: str):
    for secret in NAMES + ID_NUMBERS + ["12345678", "1234-5678", "8765 4321", "84561234", "128号", "501室",
                                        "7号楼", "12-3-401", "13900000000"]:
        assert secret not in body, f"{secret!r} leaked"
    for name in NAMES:
        assert name[1:] not in body or (len(name) == 4 and name[2:] not in body)


@pytest.mark.parametrize("raw, kept, gone", [
    ("我叫王小明，电话13812345678", "王某", ["小明", "13812345678"]),
    ("身份证430102199003071234在这", "身份证", ["430102199003071234"]),
    ("住幸福小区3栋2单元501室", "幸福小区", ["3栋", "501室"]),
    ("欧阳娜娜投诉学校乱收费", "欧阳某", ["娜娜"]),
    ("座机0731-84561234和138 1234 5678", "座机", ["84561234", "5678"]),
    ("李女士反映幼儿园收费", "幼儿园", ["李女士"]),
])
def test_scrub_text(raw, kept, gone):
    out = scrub_text(raw, max_length=100)
    assert kept in out
    for piece in gone:
        assert piece not in out


def test_scrub_shortens():
    assert len(scrub_text("路灯不亮" * 50, max_length=20)) == 20


def test_feed_needs_a_display_token(client, display_device, operator):
    assert client.get("/api/display/summary.json").status_code == 401
    assert client.get("/api/display/summary.json", HTTP_AUTHORIZATION="Token nope").status_code == 401
    op_token = Token.objects.create(user=operator)
    # an operator's API token is not a display token
    assert client.get("/api/display/summary.json", HTTP_AUTHORIZATION=f"Token {op_token.key}").status_code == 401
    token = Token.objects.create(user=display_device)
    response = client.get("/api/display/summary.json", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["title"] == "12345政务服务便民热线"


def test_no_personal_data_in_feeds_or_page(client, display_device, leaky_tickets):
    rollup.refresh()
    token = Token.objects.create(user=display_device)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    body_json = client.get("/api/display/summary.json", **auth).content.decode("utf-8")
    body_txt = client.get("/api/display/summary.txt", **auth).content.decode("utf-8")
    body_gbk = client.get("/api/display/summary.txt?charset=gbk", **auth).content.decode("gbk")
    client.force_login(display_device)
    page = client.get("/display/").content.decode("utf-8")
    recent = json.loads(body_json)["recent"]
    assert len(recent) == len(NAMES)
    assert any("某" in case["summary"] for case in recent)
    for body in (json.dumps(json.loads(body_json), ensure_ascii=False), body_txt, body_gbk, page):
        assert_clean(body)


def test_text_feed_utf8_and_gbk(client, display_device, leaky_tickets):
    token = Token.objects.create(user=display_device)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    utf8 = client.get("/api/display/summary.txt", **auth)
    assert utf8["Content-Type"] == "text/plain; charset=utf-8"
    assert "今日受理" in utf8.content.decode("utf-8")
    gbk = client.get("/api/display/summary.txt?charset=gbk", **auth)
    assert gbk["Content-Type"] == "text/plain; charset=GBK"
    assert "今日受理" in gbk.content.decode("gbk")
    assert client.get("/api/display/summary.txt?charset=latin1", **auth).status_code == 400


def test_feed_is_served_from_the_snapshot(client, display_device, django_assert_max_num_queries, leaky_tickets):
    token = Token.objects.create(user=display_device)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    client.get("/api/display/summary.json", **auth)  # builds the snapshot, remembers the token
    with django_assert_max_num_queries(0):
        for _ in range(5):
            assert client.get("/api/display/summary.json", **auth).status_code == 200


def test_events_mark_the_snapshot_stale(display_device, leaky_tickets, monkeypatch):
    monkeypatch.setattr(display, "LOCAL_TTL", 0)
    first = display.current()
    display.mark_dirty(1)
    monkeypatch.setattr(display, "STALE_AFTER", -1)
    assert display.current()["built"] >= first["built"]
    assert cache.get(display.DIRTY_KEY) is None


def test_pairing_logs_the_kiosk_in_without_a_token_in_the_url(client, display_device, operator):
    response = client.get("/display/")
    assert response.status_code == 302 and response["Location"].startswith("/display/pair/")
    assert client.post("/display/pair/", {"token": "wrong"}).status_code == 400
    op_token = Token.objects.create(user=operator)
    assert client.post("/display/pair/", {"token": op_token.key}).status_code == 400
    token = Token.objects.create(user=display_device)
    response = client.post("/display/pair/", {"token": token.key})
    assert response.status_code == 302 and token.key not in response["Location"]
    page = client.get("/display/?size=768x384")
    assert page.status_code == 200
    assert 'data-width="768"' in page.content.decode()
    assert client.get("/api/display/summary.json").status_code == 200  # the page polls with its session


def test_pairing_is_rate_limited(client, display_device):
    for _ in range(10):
        client.post("/display/pair/", {"token": "guess"})
    token = Token.objects.create(user=display_device)
    response = client.post("/display/pair/", {"token": token.key})
    assert response.status_code == 400
    assert "尝试次数过多" in response.content.decode()


def test_board_snapshot_counts(display_device, march):
    rollup.refresh()
    snap = display.build_snapshot()
    assert set(snap) >= {"today", "month", "cards", "hot_topics", "ranking", "recent", "data_as_of"}
    assert snap["cards"]["red"] >= 1  # T4 is overdue
