"""The citizen's consent: an SMS code (right, wrong, expired, too many tries, too many sends), or the
agent's attestation where the citizen has no phone; bad input refused before anything is written."""
import datetime as dt

import pytest
from django.utils import timezone

from agents.models import ConsentCode, ConsentKind, Filing
from agents.services import agent_file, consent_code_send
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Channel, Role, Ticket
from tests.conftest import make_user

from .conftest import CITIZEN, filing_input, last_code

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # registration inside the filing, on both


def test_right_code_files_an_agent_ticket_for_the_agents_town(agent, file_with_code, phone_inbox):
    filing = file_with_code(agent)
    ticket = filing.ticket
    assert (ticket.channel, ticket.created_by, ticket.area) == (Channel.AGENT, agent, "槐店镇")
    assert ticket.citizen.phone == CITIZEN and ticket.citizen.name == "王大娘"
    assert ticket.address == "槐店镇王庄村3组村道路口"
    assert filing.consent == ConsentKind.SMS_CODE and filing.code_verified_at is not None
    assert (filing.village, filing.town, filing.agent_notified) == ("王庄村", "槐店镇", True)
    code_sms, receipt = phone_inbox(CITIZEN)
    assert "代办员何春花" in code_sms and "王庄村" in code_sms and "10分钟" in code_sms
    assert ticket.number in receipt
    register = ticket.events.get(kind="register")
    assert register.actor == agent and "王庄村" in register.actor_label


def test_a_code_is_good_once(agent, file_with_code):
    file_with_code(agent)
    code = last_code(CITIZEN)
    with pytest.raises(InvalidInput) as caught:
        agent_file(agent=agent, data=filing_input(code=code))
    assert caught.value.field == "code"
    assert Filing.objects.count() == 1


def test_wrong_code_is_refused_and_nothing_is_written(agent):
    consent_code_send(agent=agent, citizen_phone=CITIZEN)
    wrong = "000000" if last_code(CITIZEN) != "000000" else "111111"
    with pytest.raises(InvalidInput) as caught:
        agent_file(agent=agent, data=filing_input(code=wrong))
    assert caught.value.field == "code" and "不正确" in caught.value.message and "4次" in caught.value.message
    assert not Ticket.objects.exists() and not Filing.objects.exists()
    # The right code still works after a wrong one.
    assert agent_file(agent=agent, data=filing_input(code=last_code(CITIZEN))).ticket


def test_expired_code(agent):
    consent_code_send(agent=agent, citizen_phone=CITIZEN)
    ConsentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="已过期"):
        agent_file(agent=agent, data=filing_input(code=last_code(CITIZEN)))
    assert not Ticket.objects.exists()


def test_code_is_void_after_too_many_attempts(agent):
    consent_code_send(agent=agent, citizen_phone=CITIZEN)
    right = last_code(CITIZEN)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput):
            agent_file(agent=agent, data=filing_input(code=wrong))
    with pytest.raises(InvalidInput, match="错误次数过多"):
        agent_file(agent=agent, data=filing_input(code=right))
    assert not Ticket.objects.exists()
    consent_code_send(agent=agent, citizen_phone=CITIZEN)  # a new code: tries afresh
    assert agent_file(agent=agent, data=filing_input(code=last_code(CITIZEN))).ticket


def test_resend_limit_and_only_the_latest_code_counts(agent, phone_inbox):
    for _ in range(3):
        consent_code_send(agent=agent, citizen_phone=CITIZEN)
    with pytest.raises(InvalidInput, match="已达3次") as caught:
        consent_code_send(agent=agent, citizen_phone=CITIZEN)
    assert caught.value.field == "code"
    assert len(phone_inbox(CITIZEN)) == 3
    first = ConsentCode.objects.order_by("id").first()
    assert first.expires_at <= timezone.now()  # an earlier code stopped counting when the next was sent


def test_code_needs_a_mobile_number(agent):
    with pytest.raises(InvalidInput) as caught:
        consent_code_send(agent=agent, citizen_phone="")
    assert caught.value.field == "citizen_phone"
    with pytest.raises(InvalidInput) as caught:
        consent_code_send(agent=agent, citizen_phone="12")
    assert caught.value.field == "citizen_phone"
    with pytest.raises(InvalidInput, match="手机号码"):
        consent_code_send(agent=agent, citizen_phone="0394-8123456")


def test_attestation_without_phone(agent, committed, phone_inbox):
    with committed():
        filing = agent_file(agent=agent, data=filing_input(
            citizen_phone="", consent="attestation", attested=True, attestation_note="老人无手机，村委会当面确认"))
    ticket = filing.ticket
    assert ticket.citizen is None and ticket.channel == Channel.AGENT
    assert filing.consent == ConsentKind.ATTESTATION and filing.attestation == "老人无手机，村委会当面确认"
    assert filing.code_verified_at is None
    # No citizen phone: the agent still hears of the receipt.
    assert ticket.number in phone_inbox(agent.phone)[0]


@pytest.mark.parametrize(("changes", "field"), [
    ({"consent": "attestation", "citizen_phone": ""}, "attested"),
    ({"consent": "attestation", "citizen_phone": "", "attested": True}, "attestation_note"),
    ({"consent": ""}, "consent"),
    ({"consent": "sms_code", "citizen_phone": ""}, "citizen_phone"),
    ({"citizen_phone": "12345"}, "citizen_phone"),
    ({"code": ""}, "code"),
    ({"content": "  "}, "content"),
    ({"citizen_name": ""}, "citizen_name"),
    ({"ticket_type": "nonsense"}, "ticket_type"),
])
def test_bad_input_names_its_field_and_writes_nothing(agent, changes, field):
    with pytest.raises(InvalidInput) as caught:
        agent_file(agent=agent, data=filing_input(**changes))
    assert caught.value.field == field and caught.value.message
    assert not Ticket.objects.exists()


def test_only_agents_with_a_profile_file(agent, operator, towns):
    bare = make_user("agent_x", Role.AGENT)
    with pytest.raises(NotAllowed, match="尚未登记"):
        agent_file(agent=bare, data=filing_input())
    with pytest.raises(NotAllowed):
        consent_code_send(agent=operator, citizen_phone=CITIZEN)


def test_photos_are_stored_with_the_filing(agent, committed):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buffer, "JPEG")
    photo = SimpleUploadedFile("路灯.jpg", buffer.getvalue(), content_type="image/jpeg")
    with committed():
        filing = agent_file(agent=agent, data=filing_input(
            citizen_phone="", consent="attestation", attested=True, attestation_note="当面确认"), photos=[photo])
    assert filing.ticket.photos.count() == 1
    assert filing.ticket.events.get(kind="photos_added").actor == agent
