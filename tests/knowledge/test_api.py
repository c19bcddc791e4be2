"""/api/knowledge/: the review workflow over HTTP, who gets 403 or 404, errors in the API's one shape."""
import pytest
import yaml

from knowledge.models import KnowledgePoint

pytestmark = pytest.mark.django_db
POINTS = "/api/knowledge/points/"
BODY = {"title": "燃气开户办理", "answer": "携带房产证和身份证到燃气公司营业厅办理开户。",
        "questions": "燃气怎么开户\n天然气开通", "audience": "public"}


def test_a_unit_drafts_the_centre_publishes_and_search_finds_it(api, staff_a, supervisor, operator):
    unit = api(staff_a)
    created = unit.post(POINTS, BODY, format="json")
    assert created.status_code == 201, created.json()
    point = created.json()
    assert (point["state"], point["unit"], point["version"]) == ("draft", staff_a.unit_id, 1)
    assert unit.post(f"{POINTS}{point['id']}/submit/").json()["state"] == "pending"
    published = api(supervisor).post(f"{POINTS}{point['id']}/publish/")
    assert published.status_code == 200 and published.json()["state"] == "published"
    hits = api(operator).get("/api/knowledge/search/", {"q": "天然气怎么开通"}).json()
    assert hits[0]["id"] == point["id"] and hits[0]["question_html"] == "<mark>天然气</mark><mark>开通</mark>"
    versions = api(operator).get(f"{POINTS}{point['id']}/versions/").json()
    assert [v["action"] for v in versions] == ["published", "submitted", "created"]


def test_update_send_back_and_withdraw(api, staff_a, supervisor):
    point = api(staff_a).post(POINTS, BODY | {"submit": True}, format="json").json()
    centre = api(supervisor)
    missing_note = centre.post(f"{POINTS}{point['id']}/send-back/", {}, format="json")
    assert missing_note.status_code == 400 and missing_note.json()["error"]["field"] == "note"
    back = centre.post(f"{POINTS}{point['id']}/send-back/", {"note": "请写明收费"}, format="json").json()
    assert (back["state"], back["review_note"]) == ("draft", "请写明收费")
    changed = api(staff_a).put(f"{POINTS}{point['id']}/", BODY | {"answer": "开户免费。", "note": "补充"},
                               format="json")
    assert changed.status_code == 200 and changed.json()["answer"] == "开户免费。"
    api(staff_a).post(f"{POINTS}{point['id']}/submit/")
    centre.post(f"{POINTS}{point['id']}/publish/")
    gone = centre.post(f"{POINTS}{point['id']}/withdraw/", {"note": "政策调整"}, format="json")
    assert gone.json()["state"] == "withdrawn"
    again = centre.post(f"{POINTS}{point['id']}/withdraw/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "state_conflict"


def test_roles_get_403_and_other_units_404(api, staff_a, staff_b, outsider, operator, leader, display_device):
    point = api(staff_a).post(POINTS, BODY | {"submit": True}, format="json").json()
    url = f"{POINTS}{point['id']}/"
    for user in (staff_b, outsider):
        assert api(user).get(url).status_code == 404
        assert api(user).put(url, BODY, format="json").status_code == 404
        assert api(user).post(f"{url}submit/").status_code == 404
        assert point["id"] not in [p["id"] for p in api(user).get(POINTS).json()["results"]]
    for user in (operator, leader):
        assert api(user).post(POINTS, BODY, format="json").status_code == 403
    denied = api(staff_a).post(f"{url}publish/")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    assert api(display_device).get(POINTS).status_code == 403
    assert api(None).get(POINTS).status_code == 401
    assert KnowledgePoint.objects.get().state == "pending"


def test_bad_bodies_and_parameters_are_400_with_the_field(api, supervisor):
    centre = api(supervisor)
    for body, field in [(BODY | {"title": ""}, "title"), (BODY | {"audience": "all"}, "audience"),
                        (BODY | {"valid_to": "2026-02-30"}, "valid_to"), (BODY | {"source_url": "javascript:x"},
                                                                           "source_url")]:
        answer = centre.post(POINTS, body, format="json")
        assert answer.status_code == 400 and answer.json()["error"]["field"] == field, answer.json()
    assert centre.post(POINTS, BODY | {"category": 999999}, format="json").status_code == 404
    assert centre.get("/api/knowledge/search/").json()["error"]["field"] == "q"
    assert centre.get("/api/knowledge/search/", {"q": "燃气", "limit": "50"}).status_code == 400
    assert centre.get(POINTS, {"state": "lost"}).status_code == 400
    assert centre.get(f"{POINTS}abc/").status_code == 404
    assert centre.get(f"{POINTS}99999999999999999999/").status_code == 404
    assert not KnowledgePoint.objects.exists()


def test_public_search_leaves_internal_points_out(api, supervisor):
    centre = api(supervisor)
    for audience in ("public", "internal"):
        point = centre.post(POINTS, BODY | {"title": f"燃气开户{audience}", "audience": audience, "submit": True},
                            format="json").json()
        centre.post(f"{POINTS}{point['id']}/publish/")
    found = centre.get("/api/knowledge/search/", {"q": "燃气开户", "audience": "public"}).json()
    assert [hit["title"] for hit in found] == ["燃气开户public"]


def test_the_schema_documents_every_knowledge_operation(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/knowledge/")}
    assert {"/api/knowledge/points/", "/api/knowledge/points/{id}/", "/api/knowledge/points/{id}/publish/",
            "/api/knowledge/points/{id}/send-back/", "/api/knowledge/points/{id}/versions/",
            "/api/knowledge/search/"} <= set(paths)
    for path, ops in paths.items():
        for method, op in ops.items():
            assert {"400", "401", "403", "404"} <= set(op["responses"]), (method, path)
