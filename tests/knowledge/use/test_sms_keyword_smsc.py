"""ZX <问题> through the real SMSC simulator (npm smpp) and the smpp_gateway process, on PostgreSQL:
the citizen's MO "ZX 公积金提取" comes back as an MT with the point's answer and portal link in at
most two UCS2 parts, signature included. Run by `bin/test --integration`."""
import os

import pytest
from django.core.cache import cache
from django.db import connection

from hotline.models import Ticket
from knowledge.models import KnowledgeUse
from sms_gateway.models import Direction, Message
from tests.processes import smsc_with_gateway
from tools.smsc.driver import wait_for

from .points import FUND_ANSWER

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
# Two ports of the knowledge tests' own; xdist workers each take their own pair.
PORT_BASE = int(os.environ.get("KNOWLEDGE_SMS_TEST_PORT_BASE", "8334")) + 2 * int(
    os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
SIGNATURE = "【某市12345】"
CITIZEN = "13812345678"


@pytest.fixture
def gateway(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the gateway process shares the test database: PostgreSQL only")
    settings.SMS_TRANSPORT = "smpp"
    with smsc_with_gateway(PORT_BASE, tmp_path) as smsc:
        yield smsc


def test_zx_question_answered_in_at_most_two_parts(kb, gateway):
    cache.delete(f"ratelimit:knowledge_sms:{CITIZEN}")  # a shared Redis keeps counts between runs
    wait_for(lambda: gateway.state()["bound"] == 1, what="bind_transceiver")
    gateway.mo(**{"from": f"86{CITIZEN}", "text": "ZX 公积金提取"})
    reply = wait_for(lambda: Message.objects.filter(direction=Direction.OUTBOUND_REPLY, to_number=CITIZEN,
                                                    status="delivered").first(), timeout=30, what="the MT delivered")
    submits = [s for s in gateway.state()["submits"] if s["dst"].endswith(CITIZEN)]
    assert 1 <= len(submits) <= 2 and {s["dc"] for s in submits} == {8}
    udh = 6 if len(submits) == 2 else 0
    text = b"".join(bytes.fromhex(s["sm"])[udh:] for s in submits).decode("utf-16-be")
    assert text.startswith(SIGNATURE + FUND_ANSWER[:20])
    assert text.endswith(f"/portal/faq/{kb.fund.pk}/") and text == SIGNATURE + reply.body
    assert reply.num_segments == len(submits) <= 2
    assert not Ticket.objects.exists()
    assert KnowledgeUse.objects.get().kind == "sms"
