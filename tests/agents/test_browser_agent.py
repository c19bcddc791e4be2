"""In Chromium on a 375 px phone: a village agent files for a citizen with the SMS code (and a photo);
the operator sees the ticket, its agent (and its photo) on the staff ticket page; the citizen's phone
(/dev/phone/) got the receipt. A refused form keeps what was typed."""
import io
import re

import pytest
from django.core.cache import cache

from agents.services import agent_profile_save
from hotline.models import Role, Ticket, Unit
from sms_gateway.models import Message
from tests.conftest import make_user
from tests.web.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, expect_failure, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "13812340001"
CONTENT = "村口路灯坏了一个多月，晚上老人出门看不见路，请尽快修好。"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(db):
    county = Unit.objects.create(name="某县人民政府", code="county", kind=Unit.Kind.DISTRICT)
    Unit.objects.create(name="槐店镇", code="hdz", kind=Unit.Kind.TOWN, parent=county)
    user = make_user("agent_hd", Role.AGENT, display_name="代办员何春花", phone="13903940701")
    agent_profile_save(actor=None, user=user, village="王庄村", town="槐店镇")
    return user


def jpeg(tmp_path) -> str:
    from PIL import Image

    path = tmp_path / "路灯.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def fill(page) -> None:
    page.fill("#id_citizen_name", "王大娘")
    page.fill("#id_citizen_phone", CITIZEN)
    page.select_option("#id_ticket_type", "help")
    page.fill("#id_content", CONTENT)
    page.fill("#id_address", "3组村道路口")


def test_agent_files_on_a_phone_and_the_operator_and_citizen_see_it(browser, live_server, agent, operator,
                                                                    tmp_path):
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, "agent_hd")
    assert page.url.endswith("/agent/")
    assert_no_horizontal_scroll(page)
    fill(page)
    page.click("#send-code")
    page.wait_for_selector("text=验证码已发送至 138****0001")
    assert page.input_value("#id_content") == CONTENT  # the form came back as typed
    body = Message.objects.get(to_number=CITIZEN, kind="agent_consent_code").body
    page.fill("#id_code", re.search(r"验证码(\d{6})", body).group(1))
    page.set_input_files("#id_photos", [jpeg(tmp_path)])
    assert_no_horizontal_scroll(page)
    shot(page, "agent_file_375")
    page.click("#file-submit")
    page.wait_for_url(re.compile(r"/agent/tickets/\d+/$"))
    ticket = Ticket.objects.get()
    assert ticket.channel == "agent" and ticket.created_by_id == agent.pk and ticket.area == "槐店镇"
    assert ticket.number in page.inner_text("body") and "登记受理" in page.inner_text("#agent-steps")
    assert_no_horizontal_scroll(page)
    shot(page, "agent_ticket_375")
    page.goto(f"{live_server.url}/agent/tickets/")
    assert ticket.number in page.inner_text("#agent-tickets")
    assert_no_horizontal_scroll(page)

    staff = new_page(browser, DESKTOP)
    login(staff, live_server.url, "operator")
    staff.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert "代办员何春花（槐店镇王庄村）" in staff.inner_text("#agent")
    assert CONTENT in staff.inner_text("body")
    assert_photo_shown(staff, ticket)
    shot(staff, "agent_ticket_operator")

    staff.goto(f"{live_server.url}/dev/phone/?phone={CITIZEN}")
    thread = staff.inner_text("body")
    assert f"工单号{ticket.number}" in thread and "验证码" in thread


def assert_photo_shown(page, ticket) -> None:
    """The photo (photos app, issue 19 item 4) is on the staff ticket page."""
    assert ticket.photos.count() == 1, "the photo was not stored with the ticket"
    images = page.locator("img[src*='photo']")
    assert images.count() >= 1
    assert images.first.evaluate("img => img.complete && img.naturalWidth > 0")


def test_refused_form_keeps_what_was_typed(browser, live_server, agent):
    expect_failure("/agent/")  # the refused form answers 400 on purpose
    page = new_page(browser, PHONE, mobile=True)
    login(page, live_server.url, "agent_hd")
    fill(page)
    page.check("#id_consent_1")  # 代办员承诺, without ticking the promise
    page.click("#file-submit")
    page.wait_for_selector("text=请勾选承诺")
    assert page.input_value("#id_content") == CONTENT and page.input_value("#id_citizen_name") == "王大娘"
    assert page.input_value("#id_address") == "3组村道路口"
    assert_no_horizontal_scroll(page)
    assert not Ticket.objects.exists()
