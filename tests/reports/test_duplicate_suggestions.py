"""Merge suggestions everywhere (issue 16, item 9): every new ticket, from any channel, is
compared with the older open ones after it is registered; the board shows 疑似重复 with one-click
并单 or 不是重复, and the ticket page and the API list the candidates."""
import pytest
from django.test import Client

from hotline import notify
from hotline.models import Category, Ticket, TicketEvent, TicketState
from hotline.services.tickets import ticket_register
from reports.intelligence.suggestions import duplicates_record
from reports.models import DuplicateSuggestion
from sms_gateway.intake import receive_and_handle

# On PostgreSQL too: there the candidates come from the trigram and KNN indexes, not a scan.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]
CALLER = "13812345678"
LEAK = "幸福小区3栋楼上漏水到我家，物业一直不管"
CATEGORY = "城乡建设/住房保障与房地产/物业服务"


@pytest.fixture
def web():
    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client
    return signed_in


@pytest.fixture
def first(operator, committed) -> Ticket:
    """The older ticket: a phone call about the leak."""
    with committed():
        return ticket_register(actor=operator, channel="phone", ticket_type="complaint", title="楼上漏水物业不管",
                               content=LEAK, citizen_phone=CALLER, citizen_name="张三",
                               category=Category.objects.get(full_name=CATEGORY))


def sms_from(phone: str, body: str, committed) -> Ticket:
    with committed():
        message = receive_and_handle(from_number=phone, to_number="12345", body=body, transport="test")
    message.refresh_from_db()
    return message.ticket


def test_an_sms_about_the_same_matter_is_suggested_with_a_timeline_line(first, committed):
    second = sms_from(CALLER, "投诉：幸福小区3栋楼上漏水到我家，物业一直不管，请尽快处理", committed)
    pair = DuplicateSuggestion.objects.get(ticket=second)
    assert pair.candidate == first and pair.state == "open"
    assert "同一来电人" in pair.reasons and "内容相似" in pair.reasons
    line = TicketEvent.objects.get(ticket=second, kind="duplicate_suggested")
    assert line.payload["candidates"] == [first.number]
    assert not DuplicateSuggestion.objects.filter(ticket=first).exists(), "the older one is not its own duplicate"


def test_web_and_api_tickets_are_checked_too(first, api, operator, committed):
    with committed():
        # Another caller: on PostgreSQL the candidates of a stranger's ticket come by title.
        web = ticket_register(actor=None, channel="web", ticket_type="complaint", title="楼上漏水物业一直不管",
                              content=LEAK + "。", citizen_phone="13900002222", citizen_name="李四")
    assert DuplicateSuggestion.objects.filter(ticket=web, candidate=first).exists()
    with committed():
        answer = api(operator).post("/api/tickets/", {
            "channel": "phone", "ticket_type": "complaint", "content": LEAK + "，第三次反映",
            "citizen_phone": CALLER}, format="json")
    assert answer.status_code == 201, answer.content
    assert DuplicateSuggestion.objects.filter(ticket_id=answer.json()["id"], candidate=first).exists()


def test_a_different_matter_is_not_suggested_and_a_second_check_adds_nothing(first, committed):
    other = sms_from("13700001111", "建议在人民公园增设公共厕所", committed)
    assert not DuplicateSuggestion.objects.filter(ticket=other).exists()
    second = sms_from(CALLER, LEAK, committed)
    assert duplicates_record(ticket_id=second.pk) == []
    assert DuplicateSuggestion.objects.filter(ticket=second).count() == 1
    assert TicketEvent.objects.filter(ticket=second, kind="duplicate_suggested").count() == 1


def test_the_supervisor_merges_from_the_board_in_one_click(first, committed, web, supervisor):
    second = sms_from(CALLER, LEAK, committed)
    pair = DuplicateSuggestion.objects.get(ticket=second)
    client = web(supervisor)
    board = client.get("/board/").content.decode()
    assert "疑似重复" in board and second.number in board and f"/board/duplicates/{pair.pk}/" in board
    with committed():
        answer = client.post(f"/board/duplicates/{pair.pk}/", {"decision": "merge"})
    assert answer.status_code == 302
    merged = Ticket.objects.get(pk=second.pk)
    assert merged.state == TicketState.MERGED and merged.merged_into == first
    pair.refresh_from_db()
    assert pair.state == "merged" and pair.decided_by == supervisor
    section = client.get("/board/?part=duplicates").content.decode()
    assert second.number not in section and "暂无" in section


def test_not_a_duplicate_leaves_the_board_and_the_ticket_page(first, committed, web, supervisor):
    second = sms_from(CALLER, LEAK, committed)
    pair = DuplicateSuggestion.objects.get(ticket=second)
    client = web(supervisor)
    assert first.number in client.get(f"/tickets/{second.pk}/").content.decode().split('id="duplicates"')[1]
    client.post(f"/board/duplicates/{pair.pk}/", {"decision": "dismiss"})
    pair.refresh_from_db()
    assert pair.state == "dismissed"
    assert second.number not in client.get("/board/?part=duplicates").content.decode()
    assert 'id="duplicates"' not in client.get(f"/tickets/{second.pk}/").content.decode()
    again = client.post(f"/board/duplicates/{pair.pk}/", {"decision": "dismiss"}, follow=True)
    assert "该疑似重复已处理" in again.content.decode()


def test_the_operator_watches_but_does_not_decide(first, committed, web, operator):
    second = sms_from(CALLER, LEAK, committed)
    pair = DuplicateSuggestion.objects.get(ticket=second)
    client = web(operator)
    section = client.get("/board/?part=duplicates").content.decode()
    assert second.number in section and "/board/duplicates/" not in section
    assert client.post(f"/board/duplicates/{pair.pk}/", {"decision": "dismiss"}).status_code == 403
    pair.refresh_from_db()
    assert pair.state == "open"


def test_the_ticket_page_finds_candidates_registered_before_any_check(operator, web, supervisor):
    with notify.muted():  # as if registered before this feature: no stored suggestion
        older = ticket_register(actor=operator, channel="phone", ticket_type="complaint", content=LEAK,
                                citizen_phone=CALLER)
        newer = ticket_register(actor=operator, channel="phone", ticket_type="complaint", content=LEAK,
                                citizen_phone=CALLER)
    assert not DuplicateSuggestion.objects.exists()
    page = web(supervisor).get(f"/tickets/{older.pk}/").content.decode()
    card = page.split('id="duplicates"')[1]
    assert newer.number in card and f"{newer.number} 并入本单" in card


def test_the_api_lists_candidates_and_dismisses_a_pair(first, committed, api, supervisor, operator, staff_a):
    second = sms_from(CALLER, LEAK, committed)
    listed = api(operator).get(f"/api/tickets/{second.pk}/duplicates/")
    assert listed.status_code == 200
    [candidate] = listed.json()
    assert (candidate["id"], candidate["older"]) == (first.pk, True) and candidate["suggestion_id"]
    assert api(staff_a).get(f"/api/tickets/{second.pk}/duplicates/").status_code in (403, 404)
    url = f"/api/tickets/{second.pk}/duplicates/dismiss/"
    assert api(operator).post(url, {"candidate": first.pk}, format="json").status_code == 403
    assert api(supervisor).post(url, {"candidate": first.pk}, format="json").status_code == 204
    gone = api(supervisor).post(url, {"candidate": first.pk}, format="json")
    assert gone.status_code == 404 and gone.json()["error"]["field"] == "candidate"
    assert api(supervisor).post(url, {"candidate": "x"}, format="json").status_code == 400


def test_a_merge_made_through_the_api_settles_the_pair(first, committed, api, supervisor):
    second = sms_from(CALLER, LEAK, committed)
    with committed():
        answer = api(supervisor).post(f"/api/tickets/{second.pk}/merge/", {"into": first.number}, format="json")
    assert answer.status_code == 200
    assert DuplicateSuggestion.objects.get(ticket=second).state == "merged"
