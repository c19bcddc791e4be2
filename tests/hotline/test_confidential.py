"""Issue 16 item 8, complainants protected (举报人保护 / 保密件).

THE acceptance test: a 举报 whose reporter is 王建国, 13912345678, 某小区5栋 goes the whole way
(reported to a leader, instructed, dispatched to a lead and a co-unit, a follow-up from the
citizen, urged, supervised, a co-unit's reply with a file, an extension asked), and then every
output a unit or a leader can get is read: pages, the API, exports, the push frames sent to
their channel groups, the SMS to unit heads and the leader, file names, the supervision notice.
The reporter's identity is in none of them. The same for an ordinary ticket marked 保密 at
registration. The centre still sees the reporter, and its reads are recorded.

A new surface is one more entry in `unit_surfaces` / `leader_surfaces` (the lead re-checks the
surfaces other items add after the merge)."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dispatch import services as d
from dispatch.models import Attachment, SupervisionNotice
from hotline.models import Category, IdentityRead, Ticket, TicketEvent
from hotline.privacy import CONFIDENTIAL_NAME, ticket_as_seen_by
from hotline.services.tickets import ticket_add_followup, ticket_register
from live import push
from live.catchup import staff_catchup
from sms_gateway.models import Direction, Message

# 办结审核 is its own tests' business (tests/dispatch/test_reply_review.py): here a lead reply is final.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_reply_review")]

NAME, PHONE, ADDRESS = "王建国", "13912345678", "某小区5栋"
TITLE = f"举报人{NAME}举报楼下商铺占道经营"
CONTENT = (f"我是{NAME}，电话{PHONE}，住{ADDRESS}。楼下“老王烧烤”商铺长期占道经营，油烟扰民，"
           f"请不要告诉他们是我举报的。王先生（本人）可以配合调查。")
FILE_NAME = f"{NAME}现场照片.jpg"
# Whatever a unit or a leader reads, none of these: not the name, not the surname as 王某/王先生,
# not the phone in part or masked, not the house number.
FORBIDDEN = (NAME, "建国", PHONE, "1391234", "2345678", "****5678", "5栋", "王某", "王先生")
CATEGORY = "城乡建设/住房保障与房地产/物业服务"


def leaks(text: str) -> list[str]:
    return [secret for secret in FORBIDDEN if secret in text]


@pytest.fixture
def pushed(monkeypatch):
    """Every (group, layer message) push sends, as sent."""
    sent = []
    monkeypatch.setattr(push, "send_to_groups", lambda messages: sent.extend(messages))
    return sent


def frames_to(sent, group: str) -> str:
    texts = []
    for name, message in sent:
        if name == group:
            texts += message.get("texts") or [message.get("text") or str(message.get("data"))]
    return "\n".join(texts)


def confidential_ticket(people, committed, kind: str) -> Ticket:
    """The acceptance scenario, through the services as the right people would."""
    op, sup, leader, a, b = (people[k] for k in ("operator", "supervisor", "leader", "staff_a", "staff_b"))
    with committed():
        ticket = ticket_register(
            actor=op, channel="phone", ticket_type="report" if kind == "report" else "complaint",
            title=TITLE, content=CONTENT, citizen_phone=PHONE, citizen_name=NAME, address=ADDRESS,
            category=Category.objects.get(full_name=CATEGORY), is_confidential=kind == "marked")
    steps = [
        lambda t: d.ticket_submit_for_approval(ticket=t, actor=sup, leader=leader,
                                               note=f"举报人{NAME}（{PHONE}）要求保密"),
        lambda t: d.ticket_instruct(ticket=t, actor=leader, text="请依法查处，注意保护举报人", units=[a.unit]),
        lambda t: d.ticket_dispatch(ticket=t, actor=sup, lead_unit=a.unit, co_units=[b.unit],
                                    note=f"请核查，勿联系{NAME}，住{ADDRESS}"),
        lambda t: d.ticket_sign(ticket=t, actor=a),
        lambda t: d.ticket_sign(ticket=t, actor=b),
        lambda t: ticket_add_followup(ticket=t, text=f"我{NAME}再补充：晚上十点后更严重，回电{PHONE}"),
        lambda t: d.ticket_urge(ticket=t, actor=sup, note=f"{NAME}来电催问"),
        lambda t: d.ticket_supervise(ticket=t, actor=sup, note=f"{NAME}多次反映"),
        lambda t: d.ticket_reply(ticket=t, actor=b, text="协办意见：已配合住建局现场查看，核实了举报的违建位置和面积。",
                                 files=[SimpleUploadedFile(FILE_NAME, b"\xff\xd8\xff\xe0jpeg",
                                                           content_type="image/jpeg")]),
        lambda t: d.extension_request(ticket=t, actor=a, reason="需联合执法", extra_days=2),
    ]
    for index, step in enumerate(steps):
        with committed():
            step(Ticket.objects.get(pk=ticket.pk))
        if index == 0:  # reported: the leader's list of what awaits instruction shows it now
            EARLY[ticket.pk] = {"page: /m/ (awaiting instruction)": page(leader, "/m/"),
                                "api: list awaiting me": api_text(leader, "/api/tickets/?awaiting_me=true")}
    # Red on the 红黄牌 page (the report pages list red and yellow tickets with their titles).
    past = timezone.now() - timezone.timedelta(hours=1)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=past, warn_at=past - timezone.timedelta(hours=1))
    return Ticket.objects.get(pk=ticket.pk)


EARLY: dict[int, dict[str, str]] = {}  # surfaces read on the way (the leader's queue while it waits)


def api_text(user, url: str) -> str:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return response.content.decode()


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.get("Content-Disposition"):
        from urllib.parse import unquote

        return unquote(response["Content-Disposition"]) + "\n" + _body(response)
    return response.content.decode()


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx: every cell of every sheet
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    return content.decode("utf-8", "replace")


def api(client_for, user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200, (url, response.content)
    return response.content.decode()


def unit_surfaces(ticket, people, client_for) -> dict[str, str]:
    """Every output units A (lead) and B (co-unit, replied) can get, by name."""
    a, b = people["staff_a"], people["staff_b"]
    attachment = Attachment.objects.get(reply__ticket=ticket)
    notice = SupervisionNotice.objects.get(ticket=ticket)
    out = {
        "page: inbox": page(a, "/unit/"),
        "page: ticket (lead)": page(a, f"/unit/tickets/{ticket.pk}/"),
        "page: ticket (co-unit)": page(b, f"/unit/tickets/{ticket.pk}/"),
        "page: 已办 (co-unit)": page(b, "/unit/done/"),
        "page: search": page(a, "/unit/search/"),
        # (the search box shows back what the unit typed: that is not the ticket's)
        "page: search by the name": page(a, f"/unit/search/?q={NAME}").replace(f'value="{NAME}"', ""),
        "page: 红黄牌": page(a, "/reports/lights/?light=red"),
        "page: supervision notice": page(a, f"/tickets/{ticket.pk}/supervision-notices/{notice.pk}/"),
        "download: attachment": page(b, f"/attachments/{attachment.pk}/"),
        "api: list": api(client_for, a, "/api/tickets/"),
        "api: list search by the name": api(client_for, a, f"/api/tickets/?q={NAME}"),
        "api: inbox": api(client_for, a, "/api/inbox/"),
        "api: detail": api(client_for, a, f"/api/tickets/{ticket.pk}/"),
        "api: detail (co-unit)": api(client_for, b, f"/api/tickets/{ticket.pk}/"),
        "api: timeline": api(client_for, a, f"/api/tickets/{ticket.pk}/timeline/"),
        "api: extensions": api(client_for, a, "/api/extensions/?state=all"),
        "live: catch-up": str(staff_catchup(a, 0)[0]),
    }
    for report in ("ranking", "trend", "breakdown"):
        for fmt in ("xlsx", "csv"):
            out[f"export: {report}.{fmt}"] = page(a, f"/reports/export.{fmt}?report={report}")
    return out


def leader_surfaces(ticket, people, client_for) -> dict[str, str]:
    leader = people["leader"]
    return EARLY.pop(ticket.pk) | {
        "page: /m/ instructed": page(leader, "/m/instructed/"),
        "page: /m/ ticket": page(leader, f"/m/tickets/{ticket.pk}/"),
        "page: 红黄牌": page(leader, "/reports/lights/?light=red"),
        "api: detail": api(client_for, leader, f"/api/tickets/{ticket.pk}/"),
        "api: timeline": api(client_for, leader, f"/api/tickets/{ticket.pk}/timeline/"),
        "api: list": api(client_for, leader, "/api/tickets/"),
        "live: catch-up": str(staff_catchup(leader, 0)[0]),
    }


@pytest.mark.postgres_too  # there, a unit's list is read as two index scans merged (hotline.lookups)
@pytest.mark.parametrize("kind", ["report", "marked"])
def test_the_reporter_reaches_no_unit_and_no_leader(kind, people, committed, pushed, api, unit_a, unit_b, county,
                                                   settings):
    ticket = confidential_ticket(people, committed, kind)
    surfaces = {f"unit {name}": text for name, text in unit_surfaces(ticket, people, api).items()}
    surfaces |= {f"leader {name}": text for name, text in leader_surfaces(ticket, people, api).items()}
    # Push: the frames each unit's and the leader's channel group received; the office's role groups.
    for group in (f"unit.{unit_a.pk}", f"unit.{unit_b.pk}", f"unit.{county.pk}", f"user.{people['leader'].pk}"):
        surfaces[f"push {group}"] = frames_to(pushed, group)
        assert ticket.number in surfaces[f"push {group}"], group
    surfaces["push display"] = frames_to(pushed, "display")
    # SMS to the unit heads and the leader.
    for who, phone in (("unit head A", unit_a.head_phone), ("unit head B", unit_b.head_phone),
                       ("leader", people["leader"].phone)):
        bodies = list(Message.objects.exclude(direction=Direction.INBOUND).filter(to_number=phone)
                      .values_list("body", flat=True))
        assert bodies, who
        surfaces[f"sms {who}"] = "\n".join(bodies)

    found = {name: leaks(text) for name, text in surfaces.items() if leaks(text)}
    assert not found, found

    # The surfaces did show the ticket (no empty page passing for a safe one).
    shown = [name for name, text in surfaces.items() if ticket.number in text]
    assert len(shown) >= 20, sorted(set(surfaces) - set(shown))
    # Searching a unit's tickets by the reporter's name finds nothing.
    assert ticket.number not in surfaces["unit page: search by the name"]
    assert f'"id":{ticket.pk},' not in surfaces["unit api: list search by the name"]
    # The unit can work: the substance, the place to the community, a neutral file name.
    unit_page = surfaces["unit page: ticket (lead)"]
    assert "占道经营" in unit_page and "某小区" in unit_page and "保密件" in unit_page
    assert "附件1.jpg" in surfaces["unit page: ticket (co-unit)"]
    assert "附件1.jpg" in surfaces["unit download: attachment"]
    assert '"name":"附件1.jpg"' in surfaces["unit api: detail"].replace(" ", "")
    assert "sign" in surfaces["unit api: detail"] or "reply" in surfaces["unit api: detail"]
    detail = api(people["staff_a"]).get(f"/api/tickets/{ticket.pk}/").json()
    assert detail["citizen"] == {"name": CONFIDENTIAL_NAME, "phone": "", "masked": True}
    assert detail["is_confidential"] is True and detail["address"] == "某小区"
    # The office's role groups got the reporter whole.
    assert NAME in frames_to(pushed, "role.supervisor")


@pytest.mark.parametrize("kind", ["report", "marked"])
def test_the_centre_sees_the_reporter_and_each_read_is_recorded(kind, people, committed, pushed, api):
    ticket = confidential_ticket(people, committed, kind)
    assert not IdentityRead.objects.exists()
    text = page(people["operator"], f"/tickets/{ticket.pk}/")
    assert NAME in text and PHONE in text and ADDRESS in text and FILE_NAME in text
    body = api(people["supervisor"]).get(f"/api/tickets/{ticket.pk}/").json()
    assert body["citizen"] == {"name": NAME, "phone": PHONE, "masked": False} and body["address"] == ADDRESS
    reads = list(IdentityRead.objects.order_by("id").values_list("ticket_id", "user__username", "surface"))
    assert reads == [(ticket.pk, "operator", "page"), (ticket.pk, "supervisor", "api")]
    # Units and leaders reading it leave no record (they never saw the identity).
    page(people["staff_a"], f"/unit/tickets/{ticket.pk}/")
    api(people["leader"]).get(f"/api/tickets/{ticket.pk}/")
    assert IdentityRead.objects.count() == 2
    # Not on the timeline (which units read).
    assert not TicketEvent.objects.filter(ticket=ticket, kind__icontains="read").exists()


@pytest.mark.postgres_too
def test_a_list_page_records_its_confidential_rows_in_one_insert(people, committed, api):
    from tests import factories as f

    reports = [f.registered(people, ticket_type="report") for _ in range(3)]
    f.registered(people)  # an ordinary one: not recorded
    with CaptureQueriesContext(connection) as queries:
        assert api(people["operator"]).get("/api/tickets/").status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith("INSERT") and IdentityRead._meta.db_table in q["sql"]]
    assert len(inserts) == 1
    assert set(IdentityRead.objects.values_list("ticket_id", flat=True)) == {t.pk for t in reports}
    assert set(IdentityRead.objects.values_list("surface", flat=True)) == {"api_list"}


def test_an_ordinary_ticket_still_shows_its_citizen_to_units_and_masked_to_leaders(people, api):
    from tests import factories as f

    ticket = f.dispatched(people)
    assert f.CITIZEN_NAME in page(people["staff_a"], f"/unit/tickets/{ticket.pk}/")
    assert api(people["staff_a"]).get(f"/api/tickets/{ticket.pk}/").json()["citizen"]["phone"] == f.CITIZEN_PHONE
    assert api(people["staff_a"]).get(f"/api/tickets/{ticket.pk}/").json()["is_confidential"] is False
    pending = f.pending(people)
    assert api(people["leader"]).get(f"/api/tickets/{pending.pk}/").json()["citizen"] == {
        "name": "张某", "phone": "138****5678", "masked": True}
    assert not IdentityRead.objects.exists()


def test_marking_later_hides_the_caller_from_then_on(people, api, committed, pushed, unit_a):
    from tests import factories as f

    with committed():
        ticket = f.dispatched(people, citizen_name=NAME, citizen_phone=PHONE, title=f"{NAME}反映物业不作为")
    unit = api(people["staff_a"])
    assert NAME in unit.get(f"/api/tickets/{ticket.pk}/").content.decode()
    assert "mark-confidential" not in unit.get(f"/api/tickets/{ticket.pk}/").json()["actions"]
    office = api(people["operator"])
    assert "mark-confidential" in office.get(f"/api/tickets/{ticket.pk}/").json()["actions"]
    pushed.clear()
    with committed():
        response = office.post(f"/api/tickets/{ticket.pk}/mark-confidential/", {"note": "来电人要求保密"},
                               format="json")
    assert response.status_code == 200 and response.json()["is_confidential"] is True
    assert "mark-confidential" not in response.json()["actions"]
    text = (unit.get(f"/api/tickets/{ticket.pk}/").content.decode()
            + page(people["staff_a"], f"/unit/tickets/{ticket.pk}/"))
    assert not leaks(text), leaks(text)
    assert "设为保密件" in page(people["staff_a"], f"/unit/tickets/{ticket.pk}/")  # the unit knows why
    frames = frames_to(pushed, f"unit.{unit_a.pk}")
    assert "confidential_marked" in frames and not leaks(frames)
    again = office.post(f"/api/tickets/{ticket.pk}/mark-confidential/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_confidential"
    report = f.registered(people, ticket_type="report")
    refused = office.post(f"/api/tickets/{report.pk}/mark-confidential/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_confidential"


def test_the_ticket_page_button_marks_it(people, committed):
    from tests import factories as f

    ticket = f.registered(people)
    client = Client()
    client.force_login(people["operator"])
    assert 'id="btn-confidential"' in client.get(f"/tickets/{ticket.pk}/").content.decode()
    with committed():
        response = client.post(f"/tickets/{ticket.pk}/do/confidential/", {"note": ""})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.is_confidential
    text = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="btn-confidential"' not in text and "保密件" in text and "设为保密件" in text


def test_the_console_registers_a_confidential_ticket(people):
    client = Client()
    client.force_login(people["operator"])
    response = client.post("/console/", {
        "citizen_phone": PHONE, "citizen_name": NAME, "ticket_type": "complaint", "urgency": "normal",
        "content": "小区门口垃圾堆放", "next_step": "office", "is_confidential": "on", "action": "register",
        "category": Category.objects.get(full_name=CATEGORY).pk,
    })
    assert response.status_code in (200, 302)
    ticket = Ticket.objects.get()
    assert ticket.is_confidential
    assert ticket.events.get(kind="register").payload["confidential"] is True


def test_the_api_registers_a_confidential_ticket(people, api):
    response = api(people["operator"]).post("/api/tickets/", {
        "ticket_type": "complaint", "content": "小区门口垃圾堆放", "citizen_phone": PHONE, "citizen_name": NAME,
        "is_confidential": True}, format="json")
    assert response.status_code == 201 and response.json()["is_confidential"] is True
    bad = api(people["operator"]).post("/api/tickets/", {
        "ticket_type": "complaint", "content": "小区门口垃圾堆放", "citizen_phone": PHONE,
        "is_confidential": "yes"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "is_confidential"


def test_the_lens_itself(people):
    """hotline.privacy's rule, short: who sees what of a confidential ticket."""
    from tests import factories as f

    ticket = f.registered(people, ticket_type="report", citizen_name=NAME, citizen_phone=PHONE,
                          address=ADDRESS, title=TITLE, content=CONTENT)
    unit = ticket_as_seen_by(ticket=ticket, user=people["staff_a"])
    assert unit.hidden and unit.citizen["name"] == CONFIDENTIAL_NAME and unit.address == "某小区"
    assert not leaks(unit.title + unit.content) and "占道经营" in unit.content
    assert unit.text(f"已电话{PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}联系", by_unit=True) == "已电话联系"
    assert unit.attachment_name(FILE_NAME, 2) == "附件2.jpg"
    assert unit.payload({"to": "139****5678", "lead_unit": "县住建局", "note": f"勿联系{NAME}"}, kind="dispatch") == {
        "to": "（保密）", "lead_unit": "县住建局", "note": "勿联系×××"}
    centre = ticket_as_seen_by(ticket=ticket, user=people["operator"])
    assert centre.whole and centre.title == TITLE and centre.citizen["phone"] == PHONE


def test_the_reads_are_listed_read_only_in_the_admin(people, client):
    from django.urls import reverse

    from hotline.models import Role
    from tests import factories as f
    from tests.conftest import make_user

    ticket = f.registered(people, ticket_type="report")
    page(people["operator"], f"/tickets/{ticket.pk}/")
    admin = make_user("centre", Role.ADMIN)  # 中心管理员: the centre's records
    client.force_login(admin)
    listing = client.get(reverse("admin:hotline_identityread_changelist"))
    assert listing.status_code == 200 and "话务员小张" in listing.content.decode()
    assert client.get(reverse("admin:hotline_identityread_add")).status_code == 403
    read = IdentityRead.objects.get()
    assert client.post(reverse("admin:hotline_identityread_delete", args=[read.pk]), {"post": "yes"}).status_code == 403
    with pytest.raises(RuntimeError):
        read.delete()


def test_the_new_paths_of_issue_16_keep_the_reporter_from_units_too(people, committed, unit_a, settings):
    """退单 refused, 挂起 and 恢复, 二级派单 to a town and its review, 办结审核's 退回重办: a 举报's
    reporter reaches neither the town's pages and API nor any unit head's SMS on the way."""
    from dispatch.models import ReplyReviewPolicy
    from hotline.models import Role, Unit, User

    sup, a = people["supervisor"], people["staff_a"]
    town = Unit.objects.create(name="城关镇", code="cgz-conf", kind=Unit.Kind.TOWN, parent=unit_a,
                               head_name="镇长", head_phone="13700001111")
    town_staff = User.objects.create_user("town_conf", password="x", role=Role.UNIT_STAFF, unit=town)
    with committed():
        ReplyReviewPolicy.objects.create(ticket_type="report", review_required=True)  # 办结审核 on here
        ticket = ticket_register(actor=people["operator"], channel="phone", ticket_type="report", title=TITLE,
                                 content=CONTENT, citizen_phone=PHONE, citizen_name=NAME, address=ADDRESS,
                                 category=Category.objects.get(full_name=CATEGORY))
    leader = people["leader"]
    steps = [
        lambda t: d.ticket_submit_for_approval(ticket=t, actor=sup, leader=leader, note="举报件"),
        lambda t: d.ticket_instruct(ticket=t, actor=leader, text="请依法查处", units=[unit_a]),
        lambda t: d.ticket_dispatch(ticket=t, actor=sup, lead_unit=unit_a, note=f"请核查，勿联系{NAME}"),
        lambda t: d.ticket_sign(ticket=t, actor=a),
        lambda t: d.ticket_return(ticket=t, actor=a, reason_code="not_ours", reason="建议由城管局办理"),
        lambda t: d.ticket_return_refuse(ticket=t, actor=sup, reason="属本单位职责，请继续办理"),
        lambda t: d.ticket_suspension_request(ticket=t, actor=a, reason_kind="third_party",
                                              reason="等待测绘结论", expected_days=3),
        lambda t: d.ticket_suspension_decide(ticket=t, actor=sup, approve=True),
        lambda t: d.ticket_resume(ticket=t, actor=sup),
        lambda t: d.ticket_hand_down(ticket=t, actor=a, unit=town, note="请现场核实占道情况"),
        lambda t: d.ticket_sign(ticket=t, actor=town_staff),
        lambda t: d.ticket_reply(ticket=t, actor=town_staff, text="城关镇已现场核实，商铺占道属实，已责令当日清理。"),
    ]
    for step in steps:
        with committed():
            step(Ticket.objects.get(pk=ticket.pk))
    part = ticket.assignments.get(role="sub")
    with committed():
        d.ticket_hand_down_review(ticket=ticket, actor=a, part=part.pk, accept=True)
    with committed():
        d.ticket_reply(ticket=Ticket.objects.get(pk=ticket.pk), actor=a,
                       text="经城关镇现场核实，占道经营属实，已责令清理并处罚款，复查无反弹。")
    with committed():
        d.ticket_review_send_back(ticket=Ticket.objects.get(pk=ticket.pk), actor=sup, reason="请补充处罚文书编号")

    surfaces = {
        "town page: inbox": page(town_staff, "/unit/"),
        "town page: ticket": page(town_staff, f"/unit/tickets/{ticket.pk}/"),
        "town page: 已办": page(town_staff, "/unit/done/"),
        "town api: detail": api_text(town_staff, f"/api/tickets/{ticket.pk}/"),
        "town api: timeline": api_text(town_staff, f"/api/tickets/{ticket.pk}/timeline/"),
        "unit page: ticket": page(a, f"/unit/tickets/{ticket.pk}/"),
        "unit page: inbox": page(a, "/unit/"),
    }
    kinds = set()
    for who, phone in (("unit head A", unit_a.head_phone), ("town head", town.head_phone)):
        messages = list(Message.objects.exclude(direction=Direction.INBOUND).filter(to_number=phone))
        kinds |= {m.kind for m in messages}
        surfaces[f"sms {who}"] = "\n".join(m.body for m in messages)
    assert {"unit_return_refused", "unit_suspension_approved", "unit_resumed", "unit_handed_down",
            "unit_sent_back"} <= kinds, kinds
    found = {name: leaks(text) for name, text in surfaces.items() if leaks(text)}
    assert not found, found
    # The surfaces did show the ticket (the town's inbox no longer holds it: its part was accepted;
    # a timeline lists events, not the number).
    assert [name for name, text in surfaces.items() if ticket.number not in text] == [
        "town page: inbox", "town api: timeline"]
    assert "占道" in surfaces["town page: ticket"] and "保密" in surfaces["town page: ticket"]
