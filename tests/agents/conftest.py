import re

import pytest

from agents.services import FilingInput, agent_file, agent_profile_save, consent_code_send
from hotline.models import Role, Unit
from sms_gateway.models import Direction, Message
from tests.conftest import make_user
from tests.web.browser import browser  # noqa: F401 - the shared Chromium fixture, for test_browser_agent

CITIZEN = "13812340001"


@pytest.fixture
def towns(county):
    return {name: Unit.objects.create(name=name, code=code, kind=Unit.Kind.TOWN, parent=county)
            for name, code in (("槐店镇", "hdz"), ("老城镇", "lcz"))}


@pytest.fixture
def agent(towns):
    user = make_user("agent_hd", Role.AGENT, display_name="代办员何春花", phone="13903940701")
    agent_profile_save(actor=None, user=user, village="王庄村", town="槐店镇")
    return user


@pytest.fixture
def other_agent(towns):
    user = make_user("agent_lc", Role.AGENT, display_name="代办员吕永年", phone="13903940702")
    agent_profile_save(actor=None, user=user, village="李楼村", town="老城镇")
    return user


@pytest.fixture
def phone_inbox():
    """phone_inbox(number) -> bodies that phone received, oldest first."""

    def inbox(number: str) -> list[str]:
        return list(Message.objects.exclude(direction=Direction.INBOUND).filter(to_number=number)
                    .order_by("id").values_list("body", flat=True))

    return inbox


def last_code(phone: str) -> str:
    body = Message.objects.filter(to_number=phone, kind="agent_consent_code").order_by("-id").values_list(
        "body", flat=True).first()
    return re.search(r"验证码(\d{6})", body).group(1)


def filing_input(**changes) -> FilingInput:
    fields = {"citizen_name": "王大娘", "citizen_phone": CITIZEN, "content": "村口路灯坏了一个多月，晚上看不见路。",
              "ticket_type": "help", "address": "3组村道路口", "consent": "sms_code", "code": "",
              "attested": False, "attestation_note": "", "notify_agent": True}
    return FilingInput(**(fields | changes))


@pytest.fixture
def file_with_code(committed):
    """file_with_code(agent, **changes) -> Filing: the code sent, read from the citizen's SMS, typed in."""

    def run(agent, **changes):
        phone = changes.get("citizen_phone", CITIZEN)
        consent_code_send(agent=agent, citizen_phone=phone)
        with committed():
            return agent_file(agent=agent, data=filing_input(code=last_code(phone), **changes))

    return run


@pytest.fixture
def text_in(committed):
    from sms_gateway.intake import receive_and_handle

    def send(phone: str, body: str):
        with committed():
            message = receive_and_handle(from_number=phone, to_number="12345", body=body, transport="test")
        message.refresh_from_db()
        return message

    return send
