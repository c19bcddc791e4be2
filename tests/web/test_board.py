"""The supervisor's board without a browser: buttons by role, 403 for a role error, the repeat
催办 question, urge counts on the red and yellow rows, and each section served on its own."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dispatch import services as ds
from hotline.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def make_red(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))


def make_yellow(ticket):
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=now + dt.timedelta(hours=3), warn_at=now - dt.timedelta(hours=1))


def section(html: str, name: str) -> str:
    start = html.index(f'id="sec-{name}"')
    end = html.find("<section", start + 1)
    return html[start:end if end > 0 else len(html)]


def urge_count(ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket, kind="urge").count()


def test_an_operator_sees_the_lists_but_no_urge_supervise_or_decide_buttons(web, operator, supervisor, dispatched,
                                                                           staff_a):
    make_red(dispatched)
    ds.ticket_sign(ticket=dispatched, actor=staff_a)
    ds.extension_request(ticket=dispatched, actor=staff_a, reason="等待检测报告", extra_days=2)
    html = web(operator).get("/board/").content.decode()
    red, extensions = section(html, "red"), section(html, "extensions")
    assert dispatched.number in red and dispatched.number in extensions
    assert "催办</button>" not in html and "督办</button>" not in html
    assert "/decide/" not in extensions and "审核意见" not in extensions and "由值班长审核" in extensions
    html = web(supervisor).get("/board/").content.decode()
    assert "催办</button>" in section(html, "red") and "督办</button>" in section(html, "red")
    assert "审核意见" in section(html, "extensions")


@pytest.mark.parametrize("action, word", [("urge", "催办"), ("supervise", "督办")])
def test_an_operators_urge_or_supervise_is_a_403_on_the_page_and_in_the_api(web, api, operator, dispatched,
                                                                           action, word):
    r = web(operator).post(f"/tickets/{dispatched.pk}/do/{action}/", {"note": "", "next": "/board/"})
    assert r.status_code == 403 and f"您的角色无权{word}" in r.content.decode()
    r = api(operator).post(f"/api/tickets/{dispatched.pk}/{action}/", {}, format="json")
    assert r.status_code == 403 and r.json()["error"]["message"] == f"您的角色无权{word}"
    assert not TicketEvent.objects.filter(ticket=dispatched, kind=action).exists()


def test_a_conflict_on_the_page_is_still_a_409(web, supervisor, replied):
    r = web(supervisor).post(f"/tickets/{replied.pk}/do/urge/", {"note": ""})
    assert r.status_code == 409 and "工单不在办理中，无需催办" in r.content.decode()


def test_the_ticket_page_shows_urging_to_a_supervisor_only(web, operator, supervisor, dispatched):
    assert "/do/urge/" in web(supervisor).get(f"/tickets/{dispatched.pk}/").content.decode()
    html = web(operator).get(f"/tickets/{dispatched.pk}/").content.decode()
    assert "/do/urge/" not in html and "/do/supervise/" not in html


def test_a_repeat_urge_on_the_page_asks_first_and_goes_when_confirmed(web, supervisor, dispatched):
    client = web(supervisor)
    r = client.post(f"/tickets/{dispatched.pk}/do/urge/", {"note": "请抓紧", "next": "/board/"})
    assert r.status_code == 302 and r.url == "/board/"
    seven_minutes_ago = timezone.now() - dt.timedelta(minutes=7)
    TicketEvent.objects.filter(ticket=dispatched, kind="urge").update(created_at=seven_minutes_ago)
    r = client.post(f"/tickets/{dispatched.pk}/do/urge/", {"note": "再催", "next": "/board/"})
    html = r.content.decode()
    assert r.status_code == 200 and urge_count(dispatched) == 1
    assert re.search(r"该工单 7 分钟前已催办（\d\d-\d\d \d\d:\d\d，.+），仍要催办？", html)
    confirm = html[html.index('id="urge-again"'):html.index("</form>", html.index('id="urge-again"'))]
    assert 'name="repeat" value="1"' in confirm and 'value="再催"' in confirm and 'value="/board/"' in confirm
    r = client.post(f"/tickets/{dispatched.pk}/do/urge/", {"note": "再催", "next": "/board/", "repeat": "1"})
    assert r.status_code == 302 and r.url == "/board/" and urge_count(dispatched) == 2


def test_a_repeat_urge_in_the_api_needs_repeat_true(api, supervisor, dispatched):
    client = api(supervisor)
    assert client.post(f"/api/tickets/{dispatched.pk}/urge/", {}, format="json").status_code == 200
    r = client.post(f"/api/tickets/{dispatched.pk}/urge/", {"note": "再催"}, format="json")
    error = r.json()["error"]
    assert r.status_code == 409 and error["code"] == "recently_urged"
    assert "已催办" in error["message"] and '"repeat": true' in error["message"]
    r = client.post(f"/api/tickets/{dispatched.pk}/urge/", {"repeat": "maybe"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["field"] == "repeat"
    assert client.post(f"/api/tickets/{dispatched.pk}/urge/", {"repeat": True}, format="json").status_code == 200
    assert urge_count(dispatched) == 2


def test_the_schema_documents_the_repeat_flag_and_its_409(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    urge = schema["paths"]["/api/tickets/{id}/urge/"]["post"]
    body = urge["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][body]["properties"]["repeat"]["type"] == "boolean"
    conflict = urge["responses"]["409"]
    assert "recently_urged" in conflict["description"]
    assert conflict["content"]["application/json"]["example"]["error"]["code"] == "recently_urged"


def test_red_and_yellow_rows_show_how_often_and_when_last_urged(web, supervisor, make_ticket, unit_a):
    red, yellow = (ds.ticket_dispatch(ticket=make_ticket(), actor=supervisor, lead_unit=unit_a) for _ in range(2))
    make_red(red)
    make_yellow(yellow)
    ds.ticket_urge(ticket=red, actor=supervisor)
    ds.ticket_urge(ticket=red, actor=None, actor_label="系统")
    last = timezone.localtime(TicketEvent.objects.filter(ticket=red, kind="urge").latest("id").created_at)
    html = web(supervisor).get("/board/").content.decode()
    assert f"已催办2次 · 最近 {last:%m-%d %H:%M}" in section(html, "red")
    assert "未催办" in section(html, "yellow") and "已催办" not in section(html, "yellow")
    listed = web(supervisor).get("/tickets/?queue=red").content.decode()
    assert red.number in listed and f"已催办2次 · 最近 {last:%m-%d %H:%M}" in listed


def test_the_board_reads_urge_counts_set_based(web, supervisor, make_ticket, unit_a, django_assert_max_num_queries):
    client = web(supervisor)

    def board_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/board/").status_code == 200
        return len(captured)

    first = ds.ticket_dispatch(ticket=make_ticket(), actor=supervisor, lead_unit=unit_a)
    make_red(first)
    ds.ticket_urge(ticket=first, actor=supervisor)
    board_queries()  # the first page of the day also fills the cached calendar warning
    one = board_queries()
    for _ in range(6):
        ticket = ds.ticket_dispatch(ticket=make_ticket(), actor=supervisor, lead_unit=unit_a)
        make_red(ticket)
        ds.ticket_urge(ticket=ticket, actor=supervisor)
    assert board_queries() == one  # seven urged red rows cost what one did
    with django_assert_max_num_queries(one):
        html = client.get("/board/").content.decode()
    assert section(html, "red").count("已催办1次") == 7


def test_each_section_is_served_alone_for_its_live_refresh(web, supervisor, make_ticket, dispatched):
    waiting = make_ticket()
    make_red(dispatched)
    client = web(supervisor)
    html = client.get("/board/?part=approval").content.decode()
    assert html.lstrip().startswith('<section class="card" id="sec-approval"') and waiting.number in html
    assert 'id="sec-red"' not in html and "<html" not in html
    red = client.get("/board/?part=red").content.decode()
    assert 'id="sec-red"' in red and dispatched.number in red and "催办</button>" in red
    assert 'id="sec-extensions"' in client.get("/board/?part=extensions").content.decode()
    whole = client.get("/board/?part=nonsense").content.decode()  # unknown: the whole board
    assert all(f'id="sec-{name}"' in whole for name in ("approval", "red", "yellow", "returned", "leader",
                                                          "extensions"))


def test_every_live_list_refreshes_through_the_shared_rule(web, supervisor, leader, staff_a, operator):
    """No page keeps the old htmx trigger that app.js could only skip in silence."""
    pages = [(supervisor, "/board/"), (leader, "/m/"), (leader, "/m/instructed/"), (staff_a, "/unit/"),
             (operator, "/console/callbacks/")]
    for user, url in pages:
        html = web(user).get(url).content.decode()
        assert "ticket-event from:body" not in html, url
        assert re.search(r'id="[\w-]+"[^>]*data-live[ >][^>]*hx-trigger="live-refresh"', html), url
