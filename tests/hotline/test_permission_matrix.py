"""Every API action × every role.

Each cell makes a fresh ticket in the state where the action makes sense (so a refusal
is about who asks, never about the state), then asks as that role. Expected answers:
2xx for those who may; 404 when the ticket is not theirs to see (a unit acting on another
unit's ticket, a leader on a ticket not routed to them), so its existence does not leak;
403 when they see it but their role may not do this; 401 without credentials. No refusal
carries the ticket's title or the citizen's name or phone.
"""
import pytest

from dispatch import services as d
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["operator", "supervisor", "leader", "other_leader", "staff_a", "staff_b", "outsider", "display", "anonymous",
         "town"]  # town: staff of a town below unit A (issue 16, 二级派单)


def expect(default: int, **cells: int) -> dict[str, int]:
    """Expected status per role: `default` for the hotline office, the rest as the usual
    outsiders get it unless a cell says otherwise."""
    base = {"operator": default, "supervisor": default, "leader": 404, "other_leader": 404, "staff_a": 404,
            "staff_b": 404, "outsider": 404, "display": 403, "anonymous": 401, "town": 404}
    return base | cells


# For units, staff_a is the lead unit and staff_b the co-unit of every dispatched ticket.


# --- issue 16 item 5: two-level dispatch (二级派单); unit A holds the ticket alone (no co-unit) ---
TOWN_REPLY = "城关镇已组织物业现场查看，破损管道已更换，漏水已停止，业主表示认可。"


def handed_down(people):
    ticket = f.in_progress(people, co=False)
    d.ticket_hand_down(ticket=ticket, actor=people["staff_a"], unit=people["town"].unit)
    return ticket


def town_signed(people):
    ticket = handed_down(people)
    d.ticket_sign(ticket=ticket, actor=people["town"])
    return ticket


def town_replied(people):
    ticket = town_signed(people)
    d.ticket_reply(ticket=ticket, actor=people["town"], text=TOWN_REPLY)
    return ticket


HOLDER_ONLY = {"operator": 403, "supervisor": 403, "staff_a": 200}
UNIT_SEES = {"staff_a": 403, "staff_b": 403}
OFFICE_ONLY = {"operator": 403}

# name: (setup, method, url template, body, expected per role)
MATRIX = {
    "list": (None, "get", "/api/tickets/", None,
             expect(200, leader=200, other_leader=200, staff_a=200, staff_b=200, outsider=200, town=200)),
    "create": (None, "post", "/api/tickets/", {"ticket_type": "help", "content": "求助：独居老人需要帮扶",
                                               "citizen_phone": "13700000000"},
               expect(201, leader=403, other_leader=403, staff_a=403, staff_b=403, outsider=403, town=403)),
    "retrieve registered": (f.registered, "get", "/api/tickets/{id}/", None, expect(200)),
    "retrieve pending": (f.pending, "get", "/api/tickets/{id}/", None, expect(200, leader=200)),
    "retrieve dispatched": (f.dispatched, "get", "/api/tickets/{id}/", None, expect(200, staff_a=200, staff_b=200)),
    "timeline": (f.dispatched, "get", "/api/tickets/{id}/timeline/", None, expect(200, staff_a=200, staff_b=200)),
    # issue 20: the caller's whole identity (查看完整号码), for those who see the caller whole
    "identity": (f.dispatched, "get", "/api/tickets/{id}/identity/", None, expect(200, staff_a=200, staff_b=200)),
    "answer": (f.registered, "post", "/api/tickets/{id}/answer/", {"answer": "已答复"}, expect(200)),
    "submit-for-approval": (f.registered, "post", "/api/tickets/{id}/submit-for-approval/", {}, expect(200)),
    "instruct": (f.pending, "post", "/api/tickets/{id}/instruct/", {"text": "同意，请办理"},
                 expect(403, leader=200)),
    "leader-return": (f.pending, "post", "/api/tickets/{id}/leader-return/", {"reason": "请先核实情况"},
                      expect(403, leader=200)),
    "dispatch": (f.registered, "post", "/api/tickets/{id}/dispatch/", "lead_unit", expect(200)),
    "sign": (f.dispatched, "post", "/api/tickets/{id}/sign/", None, expect(403, staff_a=200, staff_b=200)),
    # The lead confirms it replies without the co-unit's opinion (a co-unit's reply ignores the flag).
    "reply": (lambda p: f.in_progress(p, co_signed=True), "post", "/api/tickets/{id}/reply/",
              {"text": "已联系物业更换破损水管并修补墙面，市民确认不再漏水", "confirm_absent_co_units": True},
              expect(403, staff_a=200, staff_b=200)),
    # 办结审核: the centre's supervisors decide; the units see the ticket but may not (403).
    "review-approve": (f.reviewing, "post", "/api/tickets/{id}/review-approve/", {"note": "答复完整"},
                       expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "review-send-back": (f.reviewing, "post", "/api/tickets/{id}/review-send-back/",
                         {"reason": "未说明维修费用由谁承担"}, expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "return": (f.dispatched, "post", "/api/tickets/{id}/return/", {"reason_code": "not_ours", "reason": "非本单位职责"},
               expect(403, staff_a=200, staff_b=403)),
    # 退单审核 (issue 16): supervisors and admins decide; the asking unit and the co-unit see it, may not.
    "return/accept": (f.with_pending_return, "post", "/api/tickets/{id}/return/accept/", {},
                      expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "return/refuse": (f.with_pending_return, "post", "/api/tickets/{id}/return/refuse/", {"reason": "属本单位职责"},
                      expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    # 改派 (issue 16), to unit C: the centre's decision, not the units'.
    "reassign": (f.dispatched, "post", "/api/tickets/{id}/reassign/", "reassign",
                 expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "request extension": (f.in_progress, "post", "/api/tickets/{id}/extensions/",
                          {"reason": "需协调", "extra_days": 2}, expect(403, staff_a=201, staff_b=403)),
    "callback": (f.replied, "post", "/api/tickets/{id}/callback/", {"result": "satisfied"},
                 expect(200, **UNIT_SEES)),
    "close": (f.replied, "post", "/api/tickets/{id}/close/", {"note": "多次联系不上"},
              expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "merge": (f.registered, "post", "/api/tickets/{id}/merge/", "into", expect(200)),
    "duplicates": (f.registered, "get", "/api/tickets/{id}/duplicates/", None, expect(200)),
    "duplicates/dismiss": (f.suggested_duplicate, "post", "/api/tickets/{id}/duplicates/dismiss/", "candidate",
                           expect(204, **OFFICE_ONLY)),
    "invalid": (f.registered, "post", "/api/tickets/{id}/invalid/", {"reason": "骚扰"}, expect(200)),
    "urge": (f.dispatched, "post", "/api/tickets/{id}/urge/", {}, expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "supervise": (f.dispatched, "post", "/api/tickets/{id}/supervise/", {},
                  expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    # 挂起 (issue 16, item 4): the lead unit or the centre asks; supervisors decide and resume.
    "suspend": (f.in_progress, "post", "/api/tickets/{id}/suspend/",
                {"reason_kind": "citizen_materials", "reason": "等待市民补充材料", "expected_days": 3},
                expect(201, staff_a=201, staff_b=403)),
    "suspension-decide": (f.with_pending_suspension, "post", "/api/tickets/{id}/suspension-decide/",
                          {"approve": True}, expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    "resume": (f.suspended, "post", "/api/tickets/{id}/resume/", {}, expect(200, **OFFICE_ONLY, **UNIT_SEES)),
    # issue 16 item 8: the centre marks a ticket 保密件 (units see it, may not mark it; leaders do not see it)
    "mark-confidential": (f.dispatched, "post", "/api/tickets/{id}/mark-confidential/", {},
                          expect(200, **UNIT_SEES)),
    "mark-confidential pending": (f.pending, "post", "/api/tickets/{id}/mark-confidential/", {"note": "要求保密"},
                                  expect(200, leader=403)),
    "inbox": (None, "get", "/api/inbox/", None,
              expect(403, staff_a=200, staff_b=200, outsider=200, leader=403, other_leader=403, town=200)),
    # issue 16 item 5: the holder hands down, reviews, withdraws; the town signs and replies to it
    "hand-down": (lambda p: f.in_progress(p, co=False), "post", "/api/tickets/{id}/hand-down/", "town_unit",
                  expect(403, **HOLDER_ONLY)),
    "hand-down-review": (town_replied, "post", "/api/tickets/{id}/hand-down-review/", "part_accept",
                         expect(403, **HOLDER_ONLY, town=403)),
    "hand-down-withdraw": (handed_down, "post", "/api/tickets/{id}/hand-down-withdraw/", "part",
                           expect(403, **HOLDER_ONLY, town=403)),
    "sign (sub-unit)": (handed_down, "post", "/api/tickets/{id}/sign/", None,
                        expect(403, staff_a=409, town=200)),  # unit A signed its own part long ago
    "reply (sub-unit)": (town_signed, "post", "/api/tickets/{id}/reply/", {"text": TOWN_REPLY},
                         expect(403, staff_a=409, town=200)),  # unit A: its town's part is not settled
    "extension queue": (None, "get", "/api/extensions/", None,
                        expect(200, leader=200, other_leader=200, staff_a=200, staff_b=200, outsider=200, town=200)),
    "decide extension": (f.with_pending_extension, "post", "/api/extensions/{id}/decide/", {"approve": True},
                         expect(200, operator=403, leader=403, other_leader=403, staff_a=403, staff_b=403,
                                outsider=403, town=403)),
    "units": (None, "get", "/api/units/", None,
              expect(200, leader=200, other_leader=200, staff_a=200, staff_b=200, outsider=200, town=200)),
    "categories": (None, "get", "/api/categories/?q=噪音", None,
                   expect(200, leader=200, other_leader=200, staff_a=200, staff_b=200, outsider=200, town=200)),
    "me": (None, "get", "/api/me/", None,
           expect(200, leader=200, other_leader=200, staff_a=200, staff_b=200, outsider=200, town=200, display=200)),
    "caller history": (None, "get", f"/api/citizens/history/?phone={f.CITIZEN_PHONE}", None,
                       expect(200, leader=403, other_leader=403, staff_a=403, staff_b=403, outsider=403, town=403)),
}

SECRETS = (f.SECRET_TITLE, f.CITIZEN_PHONE, f.CITIZEN_NAME, f.CITIZEN_PHONE[-4:])


def cells():
    for action, spec in MATRIX.items():
        for role in ROLES:
            yield pytest.param(action, role, spec[4][role], id=f"{action}-{role}")


@pytest.fixture
def everyone(people):
    """The usual people, and staff of a town below unit A (issue 16)."""
    from hotline.models import Role, Unit
    from tests.conftest import make_user

    town = Unit.objects.create(name="城关镇", code="cgz", kind=Unit.Kind.TOWN, parent=people["staff_a"].unit)
    return people | {"town": make_user("town", Role.UNIT_STAFF, town, display_name="城关镇办事员")}


@pytest.mark.parametrize(("action", "role", "expected"), list(cells()))
def test_permission_matrix(action, role, expected, api, everyone):
    people = everyone
    setup, method, url, body, _ = MATRIX[action]
    obj = setup(people) if setup else None
    if obj is not None:
        url = url.format(id=obj.pk)
        f.registered(people)  # so that lists and history have something that could leak
    if body == "lead_unit":
        body = {"lead_unit": people["staff_a"].unit_id}
    elif body == "into":
        body = {"into": f.registered(people).number}
    elif body == "reassign":
        body = {"lead_unit": people["outsider"].unit_id, "reason": "职责调整，改由文旅局办理"}
    elif body == "candidate":
        body = {"candidate": obj.duplicate_suggestions.get().candidate_id}
    elif body == "town_unit":
        body = {"unit": people["town"].unit_id, "note": "请现场核实"}
    elif body in ("part", "part_accept"):
        from dispatch.models import Assignment

        body = {"part": Assignment.objects.get(ticket=obj, role="sub").pk} | (
            {"accept": True} if body == "part_accept" else {})
    client = api(people.get(role))
    response = getattr(client, method)(url, body, format="json") if method == "post" else client.get(url)
    assert response.status_code == expected, response.content.decode()
    text = response.content.decode()
    if expected >= 400:
        error = response.json()["error"]
        assert error["message"] and error["code"]
        for secret in SECRETS:
            assert secret not in text
    if expected == 404:
        # Not visible and not there at all read the same.
        assert error == {"code": "not_found", "message": "工单不存在", "field": None, "details": {}}


def test_every_ticket_action_of_the_api_is_in_the_matrix():
    from api.views import TicketViewSet

    actions = {a.url_path for a in TicketViewSet.get_extra_actions()}
    covered = {"/".join(url.split("/")[4:-1]) for _, _, url, _, _ in MATRIX.values()
               if url.count("/") >= 5 and "{id}" in url}
    assert actions - {"timeline"} <= covered | {"extensions"}


@pytest.mark.postgres_too  # there, a co-unit's list is read as two index scans (hotline.lookups)
@pytest.mark.parametrize("role", ["leader", "staff_a", "staff_b", "outsider"])
def test_lists_show_only_what_is_theirs(role, api, people):
    mine = {
        "leader": f.pending(people),
        "staff_a": f.dispatched(people, co=False),
        "staff_b": f.dispatched(people, co=True),  # staff_b is the co-unit here; staff_a also sees it
    }
    f.registered(people)
    expected = {t.pk for who, t in mine.items() if who == role}
    if role == "staff_a":
        expected.add(mine["staff_b"].pk)
    listed = {t["id"] for t in api(people[role]).get("/api/tickets/").json()["results"]}
    assert listed == expected


def test_leader_sees_citizen_masked_and_units_see_it_whole(api, people):
    pending = f.pending(people)
    dispatched = f.dispatched(people)
    leader_view = api(people["leader"]).get(f"/api/tickets/{pending.pk}/").json()["citizen"]
    assert leader_view == {"name": "张某", "phone": "138****5678", "masked": True}
    unit_view = api(people["staff_a"]).get(f"/api/tickets/{dispatched.pk}/").json()["citizen"]
    assert unit_view["phone"] == f.CITIZEN_PHONE


def test_token_authentication_and_anonymous_challenge(api, people):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=people["staff_a"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/me/").json()["username"] == "staff_a"
    anonymous = APIClient().get("/api/tickets/")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Token"
    assert anonymous.json()["error"]["message"] == "请先登录"
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/me/").status_code == 401


def test_token_endpoint_trades_credentials_for_a_token(people):
    from rest_framework.test import APIClient

    r = APIClient().post("/api/auth/token/", {"username": "staff_a", "password": "pass-12345"}, format="json")
    assert r.status_code == 200 and len(r.json()["token"]) == 40
    r = APIClient().post("/api/auth/token/", {"username": "staff_a", "password": "wrong"}, format="json")
    assert r.status_code == 401 and "token" not in r.json()  # authentication failed
    assert r.json()["error"]["message"] == "用户名或密码错误"
    r = APIClient().post("/api/auth/token/", {"username": "staff_a"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["field"] == "password"


def test_units_keep_seeing_tickets_they_had_a_part_in(api, people):
    from dispatch import services as d

    a, b, c = (api(people[k]) for k in ("staff_a", "staff_b", "outsider"))
    returned = f.dispatched(people, co=False)
    d.ticket_return(ticket=returned, actor=people["staff_a"], reason_code="not_ours", reason="非本单位")
    d.ticket_return_accept(ticket=returned, actor=people["supervisor"], lead_unit=people["staff_b"].unit)
    reassigned = f.in_progress(people, co=False)  # A held it; the centre gave it to C
    d.ticket_reassign(ticket=reassigned, actor=people["supervisor"], lead_unit=people["outsider"].unit, reason="改派")
    closed = f.replied(people)  # A lead, B co-unit
    d.survey_record(ticket=closed, actor=people["operator"], result="satisfied")
    merged = f.dispatched(people, co=False)
    d.ticket_merge(ticket=merged, into=f.registered(people), actor=people["operator"])
    reopened = f.replied(people)
    d.survey_record(ticket=reopened, actor=people["operator"], result="dissatisfied")

    ids = lambda client: {x["id"] for x in client.get("/api/tickets/?page_size=100").json()["results"]}  # noqa: E731
    assert ids(a) == {returned.pk, closed.pk, merged.pk, reopened.pk, reassigned.pk}
    assert ids(b) == {returned.pk, closed.pk, reopened.pk}
    assert ids(c) == {reassigned.pk}
    assert a.get(f"/api/tickets/{merged.pk}/").status_code == 200
    assert c.get(f"/api/tickets/{closed.pk}/").status_code == 404
