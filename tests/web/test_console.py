"""The operator's console: register a call, caller history, category tree, callbacks."""
import pytest

from dispatch.models import Survey
from hotline.models import Ticket, TicketState

pytestmark = pytest.mark.django_db

FORM = {"citizen_phone": "138 1234 5678", "citizen_name": "李四", "ticket_type": "complaint",
        "urgency": "normal", "content": "小区夜间施工噪音扰民", "address": "幸福路", "next_step": "office",
        "action": "register"}


def test_register_call_creates_ticket_and_shows_number(web, operator, leaf_category):
    client = web(operator)
    r = client.post("/console/", FORM | {"category": leaf_category.pk, "call_id": "call-77"})
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.citizen.phone == "13812345678" and ticket.category == leaf_category
    assert ticket.call_id == "call-77" and ticket.channel == "phone"
    page = client.get(r["Location"]).content.decode()
    assert ticket.number in page and "登记成功" in page


def test_errors_are_chinese_next_to_field_and_input_is_kept(web, operator):
    r = web(operator).post("/console/", FORM | {"citizen_phone": "12345", "content": "", "title": "我的标题"})
    html = r.content.decode()
    assert r.status_code == 200 and not Ticket.objects.exists()
    assert "电话号码「12345」无效" in html
    assert "这个字段是必填项" in html or "必填" in html
    assert 'value="我的标题"' in html and 'value="李四"' in html and 'value="12345"' in html


def test_answer_directly_closes_in_one_step_and_needs_an_answer(web, operator):
    client = web(operator)
    r = client.post("/console/", FORM | {"ticket_type": "consultation", "action": "answer", "answer": ""})
    assert "直接答复办结须填写答复内容" in r.content.decode() and not Ticket.objects.exists()
    r = client.post("/console/", FORM | {"ticket_type": "consultation", "action": "answer",
                                         "answer": "社保卡可在政务大厅3号窗口办理"})
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.CLOSED and ticket.closed_by_hotline


def test_report_to_leader_from_the_form(web, operator, leader):
    web(operator).post("/console/", FORM | {"next_step": "approval", "leader": leader.pk})
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.PENDING_APPROVAL and ticket.leader == leader


def test_policy_bound_ticket_goes_to_the_leader_by_itself(web, operator, leader):
    web(operator).post("/console/", FORM | {"urgency": "urgent"})
    assert Ticket.objects.get().state == TicketState.PENDING_APPROVAL


def test_caller_lookup_shows_name_and_history(web, operator, make_ticket):
    old = make_ticket(content="路灯不亮", phone="13812345678", name="张三丰")
    html = web(operator).get("/console/caller/", {"citizen_phone": "13812345678"}).content.decode()
    assert "张三丰" in html and old.number in html
    assert "新来电号码" in web(operator).get("/console/caller/", {"citizen_phone": "13900001111"}).content.decode()
    assert "无效" in web(operator).get("/console/caller/", {"citizen_phone": "abc"}).content.decode()


def test_category_tree_search_and_browse(web, operator, leaf_category):
    client = web(operator)
    roots = client.get("/console/categories/").content.decode()
    assert "下级 ›" in roots
    found = client.get("/console/categories/", {"q": leaf_category.name}).content.decode()
    assert leaf_category.full_name in found
    children = client.get("/console/categories/", {"parent": leaf_category.parent_id}).content.decode()
    assert leaf_category.name in children and "返回上一级" in children
    assert "没有找到" in client.get("/console/categories/", {"q": "不存在的分类词"}).content.decode()


def test_callback_list_records_the_survey(web, operator, replied):
    client = web(operator)
    html = client.get("/console/callbacks/").content.decode()
    assert replied.number in html and "13812345678" in html
    r = client.post("/console/callbacks/", {"ticket": replied.pk, f"t{replied.pk}-result": ""})
    assert "请选择市民的满意度" in r.content.decode()
    r = client.post("/console/callbacks/", {"ticket": replied.pk, f"t{replied.pk}-result": "satisfied",
                                            f"t{replied.pk}-resolved": "yes", f"t{replied.pk}-comment": "很好"})
    assert r.status_code == 302
    replied.refresh_from_db()
    assert replied.state == TicketState.CLOSED
    survey = Survey.objects.get(ticket=replied)
    assert survey.method == "phone" and survey.resolved is True


def test_console_links_missed_calls_and_callbacks(web, operator):
    html = web(operator).get("/console/").content.decode()
    assert "/console/missed-calls/" in html and "/console/callbacks/" in html
