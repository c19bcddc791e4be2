"""The SMPP gateway process against a real SMSC (npm smpp in server mode), on PostgreSQL.

Each test starts the simulator (tools/smsc-simulator/smsc.js) and `manage.py smpp_gateway`
as separate processes on the test database. Run by `bin/test --integration`.
"""
import os
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from dispatch.models import Survey
from hotline.models import Ticket
from sms_gateway.models import Message, MessagePart, PartState
from sms_gateway.services import sms_send
from tests.processes import database_url
from tools.smsc.driver import GatewayProcess, Smsc, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
# Our port range; xdist workers (gw0, gw1, …) each take their own pair.
PORT_BASE = int(os.environ.get("SMS_TEST_PORT_BASE", "8200")) + 2 * int(
    os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
SIGNATURE = "【某市12345】"


@pytest.fixture
def smsc(tmp_path):
    server = Smsc(PORT_BASE + 10, PORT_BASE + 11, tmp_path / "smsc-journal.jsonl").start()
    yield server
    server.stop()


@pytest.fixture
def gateway_for(smsc, tmp_path, settings):
    """gateway_for(url=None, **env) -> a started smpp_gateway process (stopped after the test)."""
    settings.SMS_TRANSPORT = "smpp"
    started = []

    def start(url: str | None = None, *args: str, **env) -> GatewayProcess:
        process = GatewayProcess(database_url(), url or smsc.url, tmp_path / f"gateway{len(started)}.log", **env)
        started.append(process.start(*args))
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def gateway(gateway_for):
    return gateway_for()


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the gateway process shares the test database: PostgreSQL only")


def status_of(message) -> str:
    return Message.objects.values_list("status", flat=True).get(pk=message.pk)


def all_final(messages, status="delivered", timeout=30.0):
    ids = [m.pk for m in messages]
    wait_for(lambda: Message.objects.filter(pk__in=ids, status=status).count() == len(ids), timeout=timeout,
             what=f"{len(ids)} messages {status}")


def submits_by_destination(smsc) -> Counter:
    return Counter((s["dst"], s["sm"]) for s in smsc.state()["submits"])


def test_binding_and_bad_password(smsc, gateway_for):
    bad = gateway_for(smsc.url.replace("secret12", "wrong"))
    wait_for(lambda: smsc.state()["stats"]["bindFailures"] >= 1, what="a refused bind")
    bad.stop()
    gateway_for()
    wait_for(lambda: smsc.state()["bound"] == 1, what="bind_transceiver")


def test_150_chinese_characters_as_ucs2_concatenated_parts(smsc, gateway):
    body = "您反映的幸福小区门口道路塌陷问题已转交县住房和城乡建设局办理，" * 5
    body = body[:150]
    message = sms_send(to="13812345678", body=body, kind="api")
    all_final([message])
    submits = smsc.state()["submits"]
    assert len(submits) == 3
    udh = [bytes.fromhex(s["sm"])[:6] for s in submits]
    assert {s["esm"] & 0x40 for s in submits} == {0x40} and {s["dc"] for s in submits} == {8}
    assert [u[:3] for u in udh] == [b"\x05\x00\x03"] * 3
    assert len({u[3] for u in udh}) == 1, "one reference for the whole message"
    assert [(u[4], u[5]) for u in udh] == [(3, 1), (3, 2), (3, 3)]
    text = b"".join(bytes.fromhex(s["sm"])[6:] for s in submits).decode("utf-16-be")
    assert text == SIGNATURE + body
    assert all(len(bytes.fromhex(s["sm"])) - 6 <= 134 for s in submits)
    parts = MessagePart.objects.filter(message=message)
    assert sorted(p.smsc_message_id for p in parts) == sorted(s["id"] for s in submits)
    assert message.num_segments == 3


def test_receipts_delivered_and_undelivered(smsc, gateway):
    smsc.configure(undeliverable=["13900000404"])
    good = sms_send(to="13812345678", body="短", kind="api")
    bad = sms_send(to="13900000404", body="短", kind="api")
    all_final([good])
    all_final([bad], status="undelivered")
    bad.refresh_from_db()
    assert bad.error_code == 30003 and bad.date_sent
    single = smsc.state()["submits"][0]
    assert single["esm"] == 0 and bytes.fromhex(single["sm"]).decode("utf-16-be") == SIGNATURE + "短"


def test_three_part_mo_becomes_one_ticket(smsc, gateway):
    text = "我要投诉：幸福小区物业从去年开始乱收费，每月多收停车费两百元，多次找物业沟通无果，" * 2
    smsc.mo(**{"from": "8613812345678", "text": text, "parts": 3, "reverse": True})
    wait_for(lambda: Ticket.objects.exists(), what="a ticket")
    ticket = Ticket.objects.get()
    assert ticket.content == text and ticket.channel == "sms" and ticket.citizen.phone == "13812345678"
    inbound = Message.objects.get(direction="inbound")
    assert inbound.num_segments == 3 and inbound.ticket == ticket
    receipt = wait_for(lambda: Message.objects.filter(to_number="13812345678", status="delivered").first(),
                       what="the receipt delivered")
    assert ticket.number in receipt.body
    wait_for(lambda: smsc.state()["pendingMo"] == 0, what="all MO acknowledged")


def test_mo_delivered_twice_is_one_record(smsc, gateway):
    smsc.mo(**{"from": "13812345678", "text": "路灯不亮了", "copies": 2})
    smsc.mo(**{"from": "13812345679", "text": "井盖丢失，需要尽快处理" * 4, "parts": 2, "copies": 2})
    wait_for(lambda: smsc.state()["stats"]["moAcked"] == 6, what="six deliver_sm acknowledged")
    wait_for(lambda: Ticket.objects.count() == 2, what="two tickets")
    assert Message.objects.filter(direction="inbound").count() == 2


def test_invalid_utf16_from_the_smsc_is_kept(smsc, gateway):
    smsc.mo(**{"from": "13812345678", "hex": "d8004f60597d00", "dataCoding": 8})
    inbound = wait_for(lambda: Message.objects.filter(direction="inbound", intake_state="done").first(),
                       what="the MO handled")
    assert inbound.meta["decode_error"] and inbound.meta["raw"] == "d8004f60597d00"
    assert "\ufffd" in inbound.body and "你好" in inbound.body
    assert Ticket.objects.get().content == inbound.body


def test_survey_answer_by_mo(smsc, gateway, supervisor, staff_a, unit_a):
    from dispatch.services import (
        ticket_dispatch,
        ticket_reply,
        ticket_review_approve,
        ticket_review_send_back,
        ticket_sign,
    )
    from hotline.models import Category
    from hotline.services.tickets import ticket_register

    ticket = ticket_register(channel="sms", ticket_type="complaint", content="噪音", citizen_phone="13812345678")
    # An SMS ticket arrives uncategorised: the supervisor gives the category when dispatching.
    ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a,
                    category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))
    ticket_sign(ticket=ticket, actor=staff_a)
    # 办结审核 (issue 16 item 3): the complaint's reply waits for the centre; its send-back reaches
    # the unit head and the approved result the citizen, both through the SMSC.
    ticket_reply(ticket=ticket, actor=staff_a, text="已责令施工单位夜间停止高噪音作业，并安排执法人员夜间巡查")
    ticket_review_send_back(ticket=ticket, actor=supervisor, reason="未说明巡查结果，请补充后重新答复")
    ticket_reply(ticket=ticket, actor=staff_a, text="已责令施工单位夜间停工，执法人员连续三晚巡查未再发现夜间施工")
    ticket_review_approve(ticket=ticket, actor=supervisor)
    notices = list(Message.objects.filter(ticket=ticket, kind__in=["unit_sent_back", "citizen_result"]))
    assert sorted((m.kind, m.to_number) for m in notices) == [("citizen_result", "13812345678"),
                                                              ("unit_sent_back", unit_a.head_phone)]
    all_final(notices)
    assert {dst[-11:] for dst, _ in submits_by_destination(smsc)} >= {"13812345678", unit_a.head_phone}
    smsc.mo(**{"from": "13812345678", "text": "2"})
    wait_for(lambda: Survey.objects.filter(ticket=ticket, state="answered").exists(), what="survey answered")
    assert Ticket.objects.get(pk=ticket.pk).state == "closed"


@pytest.mark.parametrize("mode", ["before", "after_accept"])
def test_smsc_drops_mid_send_every_message_exactly_once(smsc, gateway, mode):
    smsc.configure(dropAfter=7, dropMode=mode)
    messages = [sms_send(to=f"139{i:08d}", body=f"第{i}条通知" + ("长" * 80 if i % 5 == 0 else ""), kind="api")
                for i in range(30)]
    all_final(messages, timeout=45)
    state = smsc.state()
    assert state["stats"]["drops"] == 1 and state["stats"]["binds"] >= 2, "dropped and reconnected"
    counts = submits_by_destination(smsc)
    expected = sum(m.num_segments for m in messages)
    assert sum(counts.values()) == expected and max(counts.values()) == 1, "no part submitted twice"
    assert MessagePart.objects.exclude(state=PartState.DELIVERED).count() == 0
    if mode == "after_accept":  # the SMSC had it but its answer was lost: its receipt settled the doubt
        assert "resolved by receipt" in gateway.output()


def test_gateway_killed_mid_send_every_message_exactly_once(smsc, gateway_for):
    smsc.configure(maxPerSecond=20)
    first = gateway_for()
    messages = [sms_send(to=f"137{i:08d}", body=f"第{i}条", kind="api") for i in range(40)]
    wait_for(lambda: len(smsc.state()["submits"]) >= 10, what="sending under way")
    first.process.kill()  # SIGKILL: no unbind, parts left submitting
    first.process.wait()
    gateway_for()
    all_final(messages, timeout=45)
    counts = submits_by_destination(smsc)
    assert sum(counts.values()) == 40 and max(counts.values()) == 1


def test_smsc_restart_mid_send(smsc, gateway):
    """Down for longer than the gateway's doubt wait (3 s here): what was on the wire when it
    fell is settled by the receipts it sends after the restart, not sent a second time."""
    messages = [sms_send(to=f"136{i:08d}", body=f"第{i}条", kind="api") for i in range(40)]
    smsc.configure(maxPerSecond=20)
    wait_for(lambda: len(smsc.state()["submits"]) >= 10, what="sending under way")
    smsc.kill()
    time.sleep(4)
    smsc.start()
    smsc.configure(maxPerSecond=50)
    all_final(messages, timeout=45)
    counts = submits_by_destination(smsc)
    assert sum(counts.values()) == 40 and max(counts.values()) == 1


def test_throttling_slows_the_rate_without_loss(smsc, gateway):
    smsc.configure(maxPerSecond=10, msgqfulEvery=9)
    messages = [sms_send(to=f"135{i:08d}", body=f"第{i}条", kind="api") for i in range(40)]
    all_final(messages, timeout=45)
    state = smsc.state()
    assert state["stats"]["throttled"] > 0 and state["stats"]["msgqful"] > 0
    counts = submits_by_destination(smsc)
    assert sum(counts.values()) == 40 and max(counts.values()) == 1
    times = sorted(s["at"] for s in state["submits"])
    assert max(sum(1 for t in times if start <= t < start + 1000) for start in times) <= 10
    # The gateway backed off: far fewer refusals than submits (no hammering at 100/s).
    assert state["stats"]["throttled"] < 40
    assert "SMSC throttling: rate now" in gateway.output()
    assert settings.SMS_SMPP_RATE >= 100


def test_enquire_link_keepalive_and_watchdog(smsc, gateway_for):
    gateway_for(SMS_SMPP_ENQUIRE_LINK_SECONDS="0.5")
    wait_for(lambda: smsc.state()["stats"]["enquireLinks"] >= 2, what="enquire_link keepalives")
    smsc.kill()  # silence: the watchdog notices, and the gateway reconnects when the SMSC is back
    smsc.start()
    wait_for(lambda: smsc.state()["bound"] == 1, timeout=20, what="re-bind after the SMSC restarted")


def test_watchdog_drops_a_silent_smsc(smsc, gateway_for):
    import signal

    gateway = gateway_for(SMS_SMPP_ENQUIRE_LINK_SECONDS="0.5")
    wait_for(lambda: smsc.state()["bound"] == 1, what="bound")
    smsc.process.send_signal(signal.SIGSTOP)  # the SMSC hangs: the socket stays open, nothing answers
    try:
        wait_for(lambda: "enquire_link 超过" in gateway.output(), timeout=20, what="the watchdog")
    finally:
        smsc.process.send_signal(signal.SIGCONT)
    wait_for(lambda: smsc.state()["stats"]["binds"] >= 2, timeout=20, what="a fresh session")


def test_gateway_survives_losing_its_database_connection(smsc, gateway):
    first = [sms_send(to=f"134{i:08d}", body=f"第{i}条", kind="api") for i in range(5)]
    all_final(first)
    with connection.cursor() as cursor:  # as if PostgreSQL restarted under the gateway
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    second = [sms_send(to=f"133{i:08d}", body=f"第{i}条", kind="api") for i in range(5)]
    all_final(second, timeout=30)
    counts = submits_by_destination(smsc)
    assert sum(counts.values()) == 10 and max(counts.values()) == 1


def texts_by_destination(smsc) -> dict[str, str]:
    """Each number's messages as text, concatenated parts joined (UDH dropped)."""
    out: dict[str, str] = {}
    for s in smsc.state()["submits"]:
        raw = bytes.fromhex(s["sm"])
        out[s["dst"]] = out.get(s["dst"], "") + (raw[6:] if s["esm"] & 0x40 else raw).decode("utf-16-be")
    return out


def test_return_review_and_reassignment_notices_reach_the_smsc(smsc, gateway, supervisor, staff_a, unit_a, unit_b):
    """Issue 16: a refused 退单 tells the unit head why; a 改派 tells the citizen and the new unit's head."""
    from dispatch.services import (
        ticket_dispatch,
        ticket_reassign,
        ticket_return,
        ticket_return_refuse,
        ticket_sign,
    )
    from hotline.models import Category
    from hotline.services.tickets import ticket_register

    ticket = ticket_register(channel="sms", ticket_type="complaint", content="夜间施工噪音扰民",
                             citizen_phone="13812345678")
    ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a,
                    category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))
    ticket_sign(ticket=ticket, actor=staff_a)
    ticket_return(ticket=ticket, actor=staff_a, reason_code="not_ours", reason="不属于本单位职责")
    ticket_return_refuse(ticket=ticket, actor=supervisor, reason="属贵单位职责")
    ticket_reassign(ticket=ticket, actor=supervisor, lead_unit=unit_b, reason="改由交通局办理")

    def arrived() -> bool:
        texts = texts_by_destination(smsc)
        return ("退单申请未获同意（属贵单位职责）" in texts.get(unit_a.head_phone, "")
                and f"已改由{unit_b.name}办理" in texts.get("13812345678", "")
                and f"新工单{ticket.number}" in texts.get(unit_b.head_phone, ""))

    wait_for(arrived, timeout=30, what="the return refusal and the reassignment notices at the SMSC")
    assert Message.objects.filter(kind__in=["unit_return_refused", "citizen_redispatched"]).count() == 2
