"""The citizen's 中途提醒 (issue 16, items 4 and 7) through the real SMSC simulator (npm smpp) and the
smpp_gateway process, on PostgreSQL: the citizen's 暂缓办理 notice goes out as UCS2 parts, the
citizen's MO back resumes the ticket, and the 恢复办理 notice with the new deadline goes out too.
Run by `bin/test --integration`."""
import os

import pytest
from django.db import connection

from dispatch.services import ticket_dispatch, ticket_sign, ticket_suspension_decide, ticket_suspension_request
from hotline.models import Category, Ticket
from hotline.services.tickets import ticket_register
from sms_gateway.models import Message
from tests.processes import smsc_with_gateway
from tools.smsc.driver import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
# Ports of this module's own (LIVE_PORT_RANGE of the suspension work: 8540-8559); xdist workers
# each take their own pair.
PORT_BASE = int(os.environ.get("SUSPENSION_SMS_TEST_PORT_BASE", "8550")) + 2 * int(
    os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
SIGNATURE = "【某市12345】"
CITIZEN = "13812345678"


@pytest.fixture
def smsc(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the gateway process shares the test database: PostgreSQL only")
    settings.SMS_TRANSPORT = "smpp"
    with smsc_with_gateway(PORT_BASE, tmp_path) as server:
        yield server


def delivered(template: str) -> Message:
    return wait_for(lambda: Message.objects.filter(kind=template, to_number=CITIZEN, status="delivered").first(),
                    timeout=30, what=f"{template} delivered")


def received_text(smsc, body: str) -> str:
    """The citizen's handset's view: the UCS2 parts of the MT whose text is `body`, joined."""
    submits = [s for s in smsc.state()["submits"] if s["dst"].endswith(CITIZEN)]
    texts, parts = [], []
    for submit in submits:
        raw = bytes.fromhex(submit["sm"])
        if raw[:3] == b"\x05\x00\x03":  # a concatenated part: UDH, then the text
            parts.append(raw[6:].decode("utf-16-be"))
            if raw[5] == raw[4]:
                texts.append("".join(parts))
                parts = []
        else:
            texts.append(raw.decode("utf-16-be"))
    return next(text for text in texts if text == SIGNATURE + body)


def test_suspended_and_resumed_notices_through_the_smsc_and_the_citizens_reply_resumes(
        smsc, operator, supervisor, staff_a, unit_a):
    ticket = ticket_register(actor=operator, channel="phone", ticket_type="complaint", content="违建需核实产权",
                             citizen_phone=CITIZEN, citizen_name="张三",
                             category=Category.objects.get(full_name="环境保护/环境污染/噪音污染"))
    ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a)
    ticket_sign(ticket=ticket, actor=staff_a)
    wait_for(lambda: smsc.state()["bound"] == 1, what="bind_transceiver")
    ticket_suspension_request(ticket=ticket, actor=staff_a, reason_kind="citizen_materials",
                              reason="请提供房屋产权证明", expected_days=5)
    ticket_suspension_decide(ticket=ticket, actor=supervisor, approve=True)
    suspended = delivered("citizen_suspended")
    assert "因等待市民补充材料暂缓办理" in suspended.body and suspended.num_segments >= 2
    assert received_text(smsc, suspended.body)

    smsc.mo(**{"from": f"86{CITIZEN}", "text": "产权证明复印件已备好"})
    wait_for(lambda: Ticket.objects.get(pk=ticket.pk).state == "in_progress", timeout=30, what="resumed by MO")
    resumed = delivered("citizen_resumed")
    assert resumed.body.startswith(f"您的工单{ticket.number}已恢复办理，办理时限顺延至")
    assert received_text(smsc, resumed.body)
    followup = Ticket.objects.get(pk=ticket.pk).events.filter(kind="followup").get()
    assert followup.payload["text"] == "产权证明复印件已备好"


def test_the_other_turns_reach_the_citizen_through_the_smsc(smsc, operator, supervisor, staff_a, unit_a, unit_b):
    """中途提醒 (issue 16 item 7) beside 挂起's: an extension granted (the new date), a reassignment
    (改派: the new unit), a merge (into which number) and an invalid ticket (why), each delivered
    by the SMSC to the citizen's handset."""
    from dispatch.services import (
        extension_decide,
        extension_request,
        ticket_mark_invalid,
        ticket_merge,
        ticket_reassign,
    )

    category = Category.objects.get(full_name="环境保护/环境污染/噪音污染")

    def registered(content: str) -> Ticket:
        return ticket_register(actor=operator, channel="phone", ticket_type="complaint", content=content,
                               citizen_phone=CITIZEN, citizen_name="张三", category=category)

    ticket = registered("小区夜间施工噪音扰民")
    ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a)
    ticket_sign(ticket=ticket, actor=staff_a)
    wait_for(lambda: smsc.state()["bound"] == 1, what="bind_transceiver")
    asked = extension_request(ticket=ticket, actor=staff_a, reason="需协调施工方和环保部门联合执法", extra_days=3)
    extension_decide(extension=asked, actor=supervisor, approve=True)
    assert "办理时限延长至" in received_text(smsc, delivered("citizen_extended").body)
    ticket_reassign(ticket=ticket, actor=supervisor, lead_unit=unit_b, reason="施工许可属另一单位审批")
    assert unit_b.name in received_text(smsc, delivered("citizen_redispatched").body)
    again = registered("同一工地夜间施工噪音又响了")
    ticket_merge(ticket=again, into=ticket, actor=operator, reason="同一问题")
    assert ticket.number in received_text(smsc, delivered("citizen_merged").body)
    wrong = registered("打错电话了")
    ticket_mark_invalid(ticket=wrong, actor=operator, reason="市民拨错电话")
    assert "市民拨错电话" in received_text(smsc, delivered("citizen_invalid").body)
