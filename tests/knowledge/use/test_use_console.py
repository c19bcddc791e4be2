"""The knowledge base in the operator's console: the points beside the form as the operator
types, the inserted point linked to the ticket closed as 直接答复, and 无帮助."""
import pytest
from django.test import Client

from hotline.models import Ticket, TicketState
from knowledge.models import KnowledgeUse
from knowledge.services.points import point_withdraw

from .points import FUND_ANSWER

pytestmark = pytest.mark.django_db
FORM = {"citizen_phone": "13812345678", "citizen_name": "李四", "ticket_type": "consultation",
        "urgency": "normal", "title": "咨询公积金提取", "content": "市民来电咨询退休了住房公积金怎么提取，需要什么材料",
        "next_step": "office"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_points_appear_as_the_operator_types(kb, operator):
    html = signed_in(operator).get("/console/knowledge/", {"content": "退休了公积金怎么取"}).content.decode()
    assert f'id="kp-{kb.fund.pk}"' in html and "<mark>" in html
    assert "县住房和城乡建设局" in html and "某县住房公积金提取管理办法" in html and "县住建〔2024〕12号" in html
    assert "Alt+Shift+1" in html and "插入答复" in html and "无帮助" in html
    assert f'id="kp-{kb.baby.pk}"' not in html


def test_internal_points_are_offered_to_operators_marked_internal(kb, operator):
    html = signed_in(operator).get("/console/knowledge/", {"content": "公积金贷款逾期被冻结了"}).content.decode()
    assert f'id="kp-{kb.internal.pk}"' in html and ">内部<" in html


def test_nothing_typed_or_nothing_found(kb, operator):
    client = signed_in(operator)
    assert 'id="kp-empty"' in client.get("/console/knowledge/", {"content": ""}).content.decode()
    assert 'id="kp-none"' in client.get("/console/knowledge/", {"content": "火星移民签证"}).content.decode()


def test_the_slot_is_for_hotline_staff_only(kb, staff_a, client):
    assert signed_in(staff_a).get("/console/knowledge/", {"content": "公积金"}).status_code == 403
    assert client.get("/console/knowledge/", {"content": "公积金"}).status_code == 302  # to the login


def test_answering_with_the_inserted_point_links_it_on_the_timeline(kb, operator):
    client = signed_in(operator)
    r = client.post("/console/", FORM | {"action": "answer", "answer": FUND_ANSWER, "knowledge_point": kb.fund.pk})
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.CLOSED and ticket.closed_by_hotline and ticket.direct_answer == FUND_ANSWER
    use = KnowledgeUse.objects.get()
    assert (use.kind, use.point, use.ticket, use.user) == ("answered", kb.fund, ticket, operator)
    event = ticket.events.get(kind="knowledge_answered")
    assert event.payload["point_id"] == kb.fund.pk and event.payload["version"] == kb.fund.version
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "引用知识点答复" in page and f"知识点：住房公积金提取条件和办理流程（第{kb.fund.version}版）" in page


def test_registering_without_answering_links_nothing(kb, operator):
    signed_in(operator).post("/console/", FORM | {"action": "register", "answer": FUND_ANSWER,
                                                  "knowledge_point": kb.fund.pk})
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.REGISTERED
    assert not KnowledgeUse.objects.exists() and not ticket.events.filter(kind="knowledge_answered").exists()


@pytest.mark.parametrize("point_id", ["999999", "abc"])
def test_an_unknown_point_keeps_the_answer_and_says_so(kb, operator, point_id):
    client = signed_in(operator)
    r = client.post("/console/", FORM | {"action": "answer", "answer": "按规定办理", "knowledge_point": point_id},
                    follow=True)
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.CLOSED and ticket.direct_answer == "按规定办理"
    assert "未关联知识点" in r.content.decode() and not KnowledgeUse.objects.exists()


def test_a_point_withdrawn_meanwhile_is_not_linked(kb, operator, supervisor):
    point_withdraw(point=kb.fund, actor=supervisor, note="政策调整")
    signed_in(operator).post("/console/", FORM | {"action": "answer", "answer": FUND_ANSWER,
                                                  "knowledge_point": kb.fund.pk})
    assert Ticket.objects.get().state == TicketState.CLOSED and not KnowledgeUse.objects.exists()


def test_a_form_error_keeps_the_inserted_point(kb, operator):
    r = signed_in(operator).post("/console/", FORM | {"action": "answer", "answer": FUND_ANSWER,
                                                      "knowledge_point": kb.fund.pk, "content": ""})
    html = r.content.decode()
    assert not Ticket.objects.exists()
    assert f'name="knowledge_point" value="{kb.fund.pk}"' in html and "已引用知识点" in html
    assert "住房公积金提取条件和办理流程" in html


def test_not_helpful_is_counted_and_the_point_left_out(kb, operator):
    client = signed_in(operator)
    r = client.post(f"/console/knowledge/{kb.fund.pk}/not-helpful/", {"content": "退休了公积金怎么取"})
    assert r.status_code == 200 and "已标记为无帮助" in r.content.decode()
    use = KnowledgeUse.objects.get()
    assert (use.kind, use.point, use.user, use.query) == ("not_helpful", kb.fund, operator, "退休了公积金怎么取")
    html = client.get("/console/knowledge/", {"content": "退休了公积金怎么取",
                                              "dismissed": f"{kb.fund.pk}"}).content.decode()
    assert f'id="kp-{kb.fund.pk}"' not in html


def test_not_helpful_refuses_unknown_points_and_other_roles(kb, operator, staff_a):
    assert signed_in(operator).post("/console/knowledge/999999/not-helpful/").status_code == 404
    assert signed_in(staff_a).post(f"/console/knowledge/{kb.fund.pk}/not-helpful/").status_code == 403
    assert signed_in(operator).get(f"/console/knowledge/{kb.fund.pk}/not-helpful/").status_code == 405
    assert not KnowledgeUse.objects.exists()
