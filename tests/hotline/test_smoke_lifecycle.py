"""The happy path through the REST API, as the right people."""
import pytest

from hotline.models import Category

pytestmark = pytest.mark.django_db


def test_complaint_from_call_to_closure(api, people, unit_a):
    op, sup, lead, a = (api(people[k]) for k in ("operator", "supervisor", "leader", "staff_a"))
    category = Category.objects.get(full_name="城乡建设/城市建设和市政管理/基础设施")
    r = op.post("/api/tickets/", {"ticket_type": "complaint", "content": "小区门口道路塌陷，存在安全隐患",
                                  "citizen_phone": "13812345678", "citizen_name": "张三", "category": category.pk},
                format="json")
    assert r.status_code == 201, r.json()
    tid = r.json()["id"]
    assert r.json()["state"] == "registered"

    r = sup.post(f"/api/tickets/{tid}/submit-for-approval/", {"leader": people["leader"].pk}, format="json")
    assert r.status_code == 200, r.json()
    r = lead.post(f"/api/tickets/{tid}/instruct/", {"text": "请住建局尽快处理", "units": [unit_a.pk]}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "approved"
    r = sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["light"] == "green"
    assert a.post(f"/api/tickets/{tid}/sign/").json()["state"] == "in_progress"
    r = a.post(f"/api/tickets/{tid}/reply/", {"text": "已组织施工队回填塌陷路面并压实，重新铺设沥青，现已恢复通行"},
               format="json")
    assert r.json()["state"] == "reviewing", r.json()  # a complaint's reply is reviewed (办结审核)
    r = sup.post(f"/api/tickets/{tid}/review-approve/", {}, format="json")
    assert r.json()["state"] == "replied", r.json()
    r = op.post(f"/api/tickets/{tid}/callback/", {"result": "satisfied"}, format="json")
    assert r.json()["state"] == "closed", r.json()
    kinds = [e["kind"] for e in op.get(f"/api/tickets/{tid}/timeline/").json()]
    assert kinds == ["register", "submit_for_approval", "instruct", "dispatch", "sign", "reply_for_review",
                     "review_approve", "callback_satisfied"]
