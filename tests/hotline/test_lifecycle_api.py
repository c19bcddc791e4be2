"""Every path of docs/PRODUCT.md §3, through the REST API, as the people who would take it.

Each test reads the ticket's timeline at the end and checks that it tells the whole
story: which steps, in which order, from which state to which, by whom, with what.
"""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch.deadlines import add_working_days
from dispatch.models import Assignment, Attachment, ExtensionRequest, Survey
from hotline.models import Category

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def story(client, ticket_id):
    """The timeline as (kind, from, to, actor username or label) tuples, plus the raw events."""
    events = ok(client.get(f"/api/tickets/{ticket_id}/timeline/"))
    return events


def steps(events):
    return [(e["kind"], e["from_state"], e["to_state"]) for e in events]


@pytest.fixture
def clients(api, people):
    return {name: api(user) for name, user in people.items()}


def register(client, **extra):
    body = {"ticket_type": "complaint", "content": "小区门口道路塌陷，夜间有行人摔倒，存在安全隐患。",
            "title": "小区门口道路塌陷", "citizen_phone": "138 1234 5678", "citizen_name": "张三",
            "address": "某县城关镇幸福路12号",
            "category": Category.objects.get(full_name="城乡建设/城市建设和市政管理/基础设施").pk} | extra
    return ok(client.post("/api/tickets/", body, format="json"), 201)


def test_approval_dispatch_with_co_unit_extension_attachment_and_satisfied_callback(
        clients, people, unit_a, unit_b):
    op, sup, lead, a, b = (clients[k] for k in ("operator", "supervisor", "leader", "staff_a", "staff_b"))

    ticket = register(op, urgency="normal")
    tid = ticket["id"]
    assert ticket["state"] == "registered"
    assert len(ticket["number"]) == 11 and ticket["number"].isdigit()
    assert ticket["citizen"] == {"name": "张三", "phone": "13812345678", "masked": False}

    ok(sup.post(f"/api/tickets/{tid}/submit-for-approval/",
                {"leader": people["leader"].pk, "note": "涉及群众安全，请领导批示"}, format="json"))
    queue = ok(lead.get("/api/tickets/?awaiting_me=true"))["results"]
    assert [t["id"] for t in queue] == [tid]
    assert queue[0]["citizen"]["masked"] is True and queue[0]["citizen"]["phone"] == "138****5678"

    detail = ok(lead.post(f"/api/tickets/{tid}/instruct/",
                          {"text": "请住建局牵头、交通局配合，三日内修复", "units": [unit_a.pk, unit_b.pk]},
                          format="json"))
    assert detail["state"] == "approved"
    assert detail["instructions"][0]["units"] == [unit_a.pk, unit_b.pk]

    detail = ok(sup.post(f"/api/tickets/{tid}/dispatch/",
                         {"lead_unit": unit_a.pk, "co_units": [unit_b.pk], "note": "按领导批示办理"}, format="json"))
    assert detail["state"] == "dispatched" and detail["light"] == "green"
    assert {(x["unit"], x["role"], x["state"]) for x in detail["assignments"]} == {
        (unit_a.pk, "lead", "pending"), (unit_b.pk, "co", "pending")}
    assert "sign" in ok(a.get(f"/api/tickets/{tid}/"))["actions"]
    assert [t["id"] for t in ok(b.get("/api/inbox/"))["results"]] == [tid]

    detail = ok(b.post(f"/api/tickets/{tid}/sign/"))
    assert detail["state"] == "dispatched"  # a co-unit's signature does not start the lead's work
    detail = ok(a.post(f"/api/tickets/{tid}/sign/"))
    assert detail["state"] == "in_progress"
    due_before = dt.datetime.fromisoformat(detail["due_at"])

    extension = ok(a.post(f"/api/tickets/{tid}/extensions/", {"reason": "需协调燃气管线迁改", "extra_days": 3},
                          format="json"), 201)
    assert extension["state"] == "pending"
    assert [x["id"] for x in ok(sup.get("/api/extensions/"))["results"]] == [extension["id"]]
    decided = ok(sup.post(f"/api/extensions/{extension['id']}/decide/", {"approve": True, "note": "同意"},
                          format="json"))
    assert decided["state"] == "approved"
    detail = ok(a.get(f"/api/tickets/{tid}/"))
    assert dt.datetime.fromisoformat(detail["due_at"]) == add_working_days(due_before, 3)

    ok(b.post(f"/api/tickets/{tid}/reply/", {"text": "交通局已在塌陷路段设置临时围挡和警示标志，夜间亮灯提示"},
              format="json"))
    photo = SimpleUploadedFile("修复后.jpg", b"\xff\xd8\xff\xe0fake-jpeg", content_type="image/jpeg")
    detail = ok(a.post(f"/api/tickets/{tid}/reply/", {"text": "塌陷路面已回填压实并重新铺设沥青，经验收合格恢复通行",
                                                        "files": [photo]}, format="multipart"))
    assert detail["state"] == "reviewing"  # a complaint's reply waits for the centre (办结审核)
    assert not Survey.objects.filter(ticket_id=tid).exists()
    detail = ok(sup.post(f"/api/tickets/{tid}/review-approve/", {"note": "答复完整"}, format="json"))
    assert detail["state"] == "replied"
    lead_reply = next(r for r in detail["replies"] if r["is_lead"])
    assert [x["name"] for x in lead_reply["attachments"]] == ["修复后.jpg"]
    assert Attachment.objects.get().file.read() == b"\xff\xd8\xff\xe0fake-jpeg"
    assert Survey.objects.get(ticket_id=tid).state == Survey.State.PENDING

    detail = ok(op.post(f"/api/tickets/{tid}/callback/", {"result": "satisfied", "comment": "修得很快"},
                        format="json"))
    assert detail["state"] == "closed"
    assert detail["closed_on_time"] is True
    assert detail["surveys"][0]["result"] == "satisfied"

    events = story(op, tid)
    assert steps(events) == [
        ("register", "", "registered"),
        ("submit_for_approval", "registered", "pending_approval"),
        ("instruct", "pending_approval", "approved"),
        ("dispatch", "approved", "dispatched"),
        ("co_sign", "", ""),
        ("sign", "dispatched", "in_progress"),
        ("extension_requested", "", ""),
        ("extension_approved", "", ""),
        ("co_reply", "", ""),
        ("reply_for_review", "in_progress", "reviewing"),
        ("review_approve", "reviewing", "replied"),
        ("callback_satisfied", "replied", "closed"),
    ]
    actors = [e["actor"] for e in events]
    p = people
    assert actors == [p["operator"].pk, p["supervisor"].pk, p["leader"].pk, p["supervisor"].pk, p["staff_b"].pk,
                      p["staff_a"].pk, p["staff_a"].pk, p["supervisor"].pk, p["staff_b"].pk, p["staff_a"].pk,
                      p["supervisor"].pk, p["operator"].pk]
    assert events[0]["actor_label"] == "话务员小张"
    by_kind = {e["kind"]: e["payload"] for e in events}
    assert by_kind["register"] == {"channel": "phone"}
    assert by_kind["submit_for_approval"]["leader_id"] == p["leader"].pk
    assert by_kind["instruct"]["unit_names"] == ["县住房和城乡建设局", "县交通运输局"]
    assert by_kind["dispatch"]["lead_unit_id"] == unit_a.pk and by_kind["dispatch"]["co_unit_ids"] == [unit_b.pk]
    assert by_kind["extension_requested"]["extra_days"] == 3
    assert by_kind["extension_approved"]["old_due_at"] == due_before.isoformat()
    assert by_kind["reply_for_review"]["attachments"] == ["修复后.jpg"]
    assert by_kind["review_approve"]["note"] == "答复完整"
    assert by_kind["callback_satisfied"]["result"] == "satisfied"
    assert by_kind["callback_satisfied"]["method"] == "phone"


def test_return_redispatch_dissatisfied_reopen_and_close(clients, people, unit_a, unit_b):
    op, sup, a, b = (clients[k] for k in ("operator", "supervisor", "staff_a", "staff_b"))
    tid = register(op, ticket_type="help", content="路灯坏了一个月，晚上很黑")["id"]

    ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_b.pk}, format="json"))
    detail = ok(b.post(f"/api/tickets/{tid}/return/", {"reason_code": "not_ours",
                                                        "reason": "路灯归住建局管理，非本单位职责"}, format="json"))
    # A request (退单审核): the ticket waits for the centre with the unit, its deadline running.
    assert detail["state"] == "dispatched" and detail["lead_unit"] == unit_b.pk and detail["light"] == "green"
    assert [(r["state"], r["reason_label"]) for r in detail["returns"]] == [("pending", "不属于本单位职责")]
    assert "return" not in detail["actions"]
    assert {"return/accept", "return/refuse", "reassign"} <= set(ok(sup.get(f"/api/tickets/{tid}/"))["actions"])
    detail = ok(sup.post(f"/api/tickets/{tid}/return/accept/", {"note": "同意"}, format="json"))
    assert detail["state"] == "returned" and detail["lead_unit"] is None and detail["light"] is None
    assert detail["returns"][0]["state"] == "accepted"
    assert [t["id"] for t in ok(sup.get("/api/tickets/?state=returned"))["results"]] == [tid]
    assert ok(b.get("/api/inbox/"))["results"] == []

    detail = ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk, "note": "改派住建局"},
                         format="json"))
    assert detail["state"] == "dispatched" and detail["lead_unit"] == unit_a.pk
    # The unit that returned it keeps reading its history but can no longer act.
    assert ok(b.get(f"/api/tickets/{tid}/"))["actions"] == []
    assert b.post(f"/api/tickets/{tid}/sign/").status_code == 409

    ok(a.post(f"/api/tickets/{tid}/sign/"))
    ok(a.post(f"/api/tickets/{tid}/reply/", {"text": "已更换幸福路东侧一盏路灯的灯泡，现已正常亮灯"}, format="json"))
    detail = ok(op.post(f"/api/tickets/{tid}/callback/",
                        {"result": "dissatisfied", "comment": "只修了一盏，另外两盏还是坏的"}, format="json"))
    assert detail["state"] == "reopened" and detail["reopen_count"] == 1
    assert ok(a.get("/api/inbox/"))["results"] == []

    ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk, "note": "重办：全部修复"}, format="json"))
    ok(a.post(f"/api/tickets/{tid}/sign/"))
    ok(a.post(f"/api/tickets/{tid}/reply/", {"text": "已更换另外两盏路灯的镇流器和灯泡，三盏路灯全部恢复照明"},
              format="json"))
    detail = ok(op.post(f"/api/tickets/{tid}/callback/", {"result": "basic"}, format="json"))
    assert detail["state"] == "closed"
    assert [(x["unit"], x["round"], x["state"], x["is_current"]) for x in detail["assignments"]] == [
        (unit_b.pk, 1, "returned", False), (unit_a.pk, 2, "replied", False), (unit_a.pk, 3, "replied", True)]

    events = story(op, tid)
    assert steps(events) == [
        ("register", "", "registered"),
        ("dispatch", "registered", "dispatched"),
        ("return_requested", "", ""),
        ("return", "dispatched", "returned"),
        ("redispatch", "returned", "dispatched"),
        ("sign", "dispatched", "in_progress"),
        ("reply", "in_progress", "replied"),
        ("callback_dissatisfied", "replied", "reopened"),
        ("dispatch", "reopened", "dispatched"),
        ("sign", "dispatched", "in_progress"),
        ("reply", "in_progress", "replied"),
        ("callback_satisfied", "replied", "closed"),
    ]
    assert events[2]["payload"]["reason"] == "路灯归住建局管理，非本单位职责"
    assert events[2]["actor"] == people["staff_b"].pk
    assert events[3]["payload"]["reason"] == "路灯归住建局管理，非本单位职责"
    assert events[3]["actor"] == people["supervisor"].pk
    assert events[7]["payload"]["comment"] == "只修了一盏，另外两盏还是坏的"
    assert events[11]["payload"]["result"] == "basic"


def test_rejected_extension_leaves_the_deadline(clients, people, unit_a):
    sup, a = clients["supervisor"], clients["staff_a"]
    tid = register(clients["operator"])["id"]
    ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    due = ok(a.post(f"/api/tickets/{tid}/sign/"))["due_at"]
    ext = ok(a.post(f"/api/tickets/{tid}/extensions/", {"reason": "人手不足", "extra_days": 5}, format="json"), 201)
    assert a.post(f"/api/tickets/{tid}/extensions/", {"reason": "再申请", "extra_days": 1},
                  format="json").status_code == 409
    ok(sup.post(f"/api/extensions/{ext['id']}/decide/", {"approve": False, "note": "理由不充分"}, format="json"))
    assert ok(a.get(f"/api/tickets/{tid}/"))["due_at"] == due
    assert [e["kind"] for e in story(sup, tid)][-2:] == ["extension_requested", "extension_rejected"]


def test_merge_duplicate_into_the_ticket_that_carries_on(clients, people, unit_a):
    op, sup = clients["operator"], clients["supervisor"]
    first = register(op)
    ok(sup.post(f"/api/tickets/{first['id']}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    second = register(op, citizen_phone="13900001111", content="幸福路12号门口路面塌陷，重复反映")
    detail = ok(op.post(f"/api/tickets/{second['id']}/merge/", {"into": first["number"], "reason": "同一事项"},
                        format="json"))
    assert detail["state"] == "merged" and detail["merged_into_number"] == first["number"]
    assert steps(story(op, second["id"])) == [("register", "", "registered"), ("merge", "registered", "merged")]
    target_events = story(op, first["id"])
    assert target_events[-1]["kind"] == "merged_in"
    assert target_events[-1]["payload"] == {"from": second["number"], "from_id": second["id"], "reason": "同一事项"}
    # A merged ticket cannot take another into it, nor be merged again.
    third = register(op)
    assert op.post(f"/api/tickets/{third['id']}/merge/", {"into": second["number"]},
                   format="json").status_code == 409


def test_merge_of_a_dispatched_ticket_cancels_its_units_part(clients, people, unit_a):
    op, sup, a = clients["operator"], clients["supervisor"], clients["staff_a"]
    keep, dup = register(op)["id"], register(op)["id"]
    ok(sup.post(f"/api/tickets/{dup}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    ok(op.post(f"/api/tickets/{dup}/merge/", {"into": str(keep)}, format="json"))
    assert Assignment.objects.get(ticket_id=dup).state == Assignment.State.CANCELLED
    assert ok(a.get("/api/inbox/"))["results"] == []


def test_invalid_request_is_closed_with_a_reason(clients, people):
    op = clients["operator"]
    tid = register(op, content="（来电无声，多次骚扰）")["id"]
    assert op.post(f"/api/tickets/{tid}/invalid/", {}, format="json").status_code == 400
    detail = ok(op.post(f"/api/tickets/{tid}/invalid/", {"reason": "恶意骚扰电话"}, format="json"))
    assert detail["state"] == "invalid" and detail["closed_at"]
    events = story(op, tid)
    assert steps(events)[-1] == ("mark_invalid", "registered", "invalid")
    assert events[-1]["payload"] == {"reason": "恶意骚扰电话"}


def test_direct_answer_closes_a_consultation_at_once(clients, people):
    op = clients["operator"]
    tid = register(op, ticket_type="consultation", content="社保卡丢了在哪里补办？")["id"]
    detail = ok(op.post(f"/api/tickets/{tid}/answer/", {"answer": "携带身份证到县政务服务中心社保窗口补办。"},
                        format="json"))
    assert detail["state"] == "closed" and detail["closed_by_hotline"] is True
    assert detail["direct_answer"] == "携带身份证到县政务服务中心社保窗口补办。"
    events = story(op, tid)
    assert steps(events) == [("register", "", "registered"), ("answer_directly", "registered", "closed")]
    assert events[1]["actor"] == people["operator"].pk


def test_close_without_callback_when_the_citizen_cannot_be_reached(clients, people, unit_a):
    op, sup, a = clients["operator"], clients["supervisor"], clients["staff_a"]
    tid = register(op)["id"]
    ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    ok(a.post(f"/api/tickets/{tid}/sign/"))
    ok(a.post(f"/api/tickets/{tid}/reply/", {"text": "塌陷路面已回填压实并重新铺设，现场已恢复通行"}, format="json"))
    ok(sup.post(f"/api/tickets/{tid}/review-approve/", {}, format="json"))
    assert op.post(f"/api/tickets/{tid}/close/", {"note": "三次未接通"}, format="json").status_code == 403
    detail = ok(sup.post(f"/api/tickets/{tid}/close/", {"note": "三次回访均未接通"}, format="json"))
    assert detail["state"] == "closed"
    assert detail["surveys"][0]["state"] == "expired"
    assert steps(story(op, tid))[-1] == ("close_without_callback", "replied", "closed")


def test_pending_extension_is_withdrawn_when_the_unit_replies(clients, people, unit_a):
    sup, a = clients["supervisor"], clients["staff_a"]
    tid = register(clients["operator"])["id"]
    ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    ok(a.post(f"/api/tickets/{tid}/sign/"))
    ext = ok(a.post(f"/api/tickets/{tid}/extensions/", {"reason": "等待材料", "extra_days": 2}, format="json"), 201)
    ok(a.post(f"/api/tickets/{tid}/reply/", {"text": "材料已补齐，塌陷路面已修复并通过验收"}, format="json"))
    assert ExtensionRequest.objects.get(pk=ext["id"]).state == ExtensionRequest.State.CANCELLED
    assert ok(sup.get("/api/extensions/"))["results"] == []
    assert sup.post(f"/api/extensions/{ext['id']}/decide/", {"approve": True},
                    format="json").status_code == 409


def test_urgent_ticket_needs_approval_before_dispatch(clients, people, unit_a):
    op, sup = clients["operator"], clients["supervisor"]
    tid = register(op, urgency="urgent")["id"]
    r = sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "approval_required"
    ok(sup.post(f"/api/tickets/{tid}/submit-for-approval/", {}, format="json"))
    detail = ok(clients["leader"].post(f"/api/tickets/{tid}/instruct/", {"text": "立即处置"}, format="json"))
    assert detail["state"] == "approved"
    detail = ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    due, dispatched = (dt.datetime.fromisoformat(detail[k]) for k in ("due_at", "dispatched_at"))
    assert due - dispatched == dt.timedelta(hours=24)


def test_urge_and_supervise_are_lines_on_the_timeline(clients, people, unit_a):
    sup = clients["supervisor"]
    tid = register(clients["operator"])["id"]
    ok(sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json"))
    ok(sup.post(f"/api/tickets/{tid}/urge/", {"note": "请尽快签收"}, format="json"))
    ok(sup.post(f"/api/tickets/{tid}/supervise/", {}, format="json"))
    events = story(sup, tid)
    assert [e["kind"] for e in events][-2:] == ["urge", "supervise"]
    assert events[-2]["payload"]["unit_id"] == unit_a.pk and events[-2]["payload"]["light"] == "green"


def test_if_match_refuses_an_action_on_a_ticket_that_changed(clients, people, unit_a):
    sup, a = clients["supervisor"], clients["staff_a"]
    tid = register(clients["operator"])["id"]
    r = sup.post(f"/api/tickets/{tid}/dispatch/", {"lead_unit": unit_a.pk}, format="json")
    seen = r.headers["ETag"]
    assert seen == f'"{r.json()["version"]}"'
    ok(sup.post(f"/api/tickets/{tid}/urge/", {}, format="json", HTTP_IF_MATCH=seen))  # urging changes nothing
    ok(a.post(f"/api/tickets/{tid}/sign/", HTTP_IF_MATCH=seen))
    r = a.post(f"/api/tickets/{tid}/return/", {"reason_code": "not_ours", "reason": "不是我们的"}, format="json",
               HTTP_IF_MATCH=seen)
    assert r.status_code == 409 and r.json()["error"]["code"] == "stale_version"
    assert ok(a.get(f"/api/tickets/{tid}/"))["state"] == "in_progress"
