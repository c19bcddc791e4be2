"""Issue 16 item 5 in real headless Chromium: a county bureau hands a ticket down to a town on its
page; the town's staff sign and reply on theirs; the bureau sends the town's reply back once, then
accepts it and replies upward starting from the town's text. Screenshots land in tests/screenshots/."""
import pytest

from dispatch import services as ds
from dispatch.models import Assignment
from hotline.models import Channel, Role, Ticket, TicketState, Unit
from hotline.services import tickets as ts
from tests import factories
from tests.conftest import make_user

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOWN_REPLY = "城关镇已组织物业和业主代表现场查看，楼上破损管道已更换，漏水已停止。"
TOWN_AGAIN = "已补充：管道于12月3日更换完毕，业主已签字确认，物业承诺每月巡查一次。"


def test_a_county_unit_hands_down_to_a_town_and_reviews_its_reply(browser, live_server, people, unit_a):
    base = live_server.url
    town = Unit.objects.create(name="城关镇", code="cgz", kind=Unit.Kind.TOWN, parent=unit_a,
                               head_name="秦镇长", head_phone="13900000011")
    make_user("staff_town", Role.UNIT_STAFF, town, display_name="城关镇办事员")
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                title="幸福小区3栋楼上漏水", content="楼上漏水到我家已经一周，物业不管，请尽快处理。",
                                citizen_phone="13812345678", citizen_name="张三丰", address="幸福小区3栋",
                                category=factories.category())
    ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)

    county = new_page(browser, DESKTOP)
    login(county, base, "staff_a")
    county.goto(f"{base}/unit/tickets/{ticket.pk}/")
    county.click("#btn-sign")
    county.wait_for_selector("#hand-down-form")
    county.select_option("#id_unit", label="城关镇")
    county.fill("#id_note", "请现场核实，督促物业维修后回复")
    county.click("#btn-hand-down")
    county.wait_for_selector("#sub-parts")
    assert "已转城关镇办理" in county.inner_text(".messages")
    assert "待签收" in county.inner_text("#sub-parts")
    shot(county, "i16-county-handed-down-1920")

    townsman = new_page(browser, PHONE, mobile=True)
    login(townsman, base, "staff_town")
    assert ticket.number in townsman.inner_text("#inbox")
    townsman.click(f"text={ticket.number}")
    townsman.wait_for_selector("#my-part")
    assert "上级转来" in townsman.inner_text("#my-part") and "县住房和城乡建设局" in townsman.inner_text("#my-part")
    townsman.click("#btn-sign")
    townsman.wait_for_selector("#reply-form")
    townsman.fill("#id_text", TOWN_REPLY)
    assert_no_horizontal_scroll(townsman)
    shot(townsman, "i16-town-reply-375")
    townsman.click("#btn-reply")
    townsman.wait_for_selector(".messages")
    assert "提交上级单位审核" in townsman.inner_text(".messages")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.IN_PROGRESS  # the centre hears nothing yet

    part = Assignment.objects.get(ticket=ticket, role=Assignment.Role.SUB)
    county.goto(f"{base}/unit/tickets/{ticket.pk}/")
    assert TOWN_REPLY in county.inner_text("#sub-parts") and "已回复，待审核" in county.inner_text("#sub-parts")
    county.fill(f"#sub-reason-{part.pk}", "请补充管道更换时间和业主确认情况")
    county.click(f"#btn-sub-send-back-{part.pk}")
    county.wait_for_selector(".messages")
    assert "已退回城关镇重办" in county.inner_text(".messages")

    townsman.goto(f"{base}/unit/tickets/{ticket.pk}/")
    assert "请补充管道更换时间和业主确认情况" in townsman.inner_text("#sent-back")
    shot(townsman, "i16-town-sent-back-375")
    townsman.fill("#id_text", TOWN_AGAIN)
    townsman.click("#btn-reply")
    townsman.wait_for_selector(".messages")

    county.goto(f"{base}/unit/tickets/{ticket.pk}/")
    county.click(f"#btn-sub-accept-{part.pk}")
    county.wait_for_selector("#reply-from-sub")
    assert county.input_value("#id_text") == TOWN_AGAIN  # the county's reply starts from the town's
    assert "已审核通过" in county.inner_text("#sub-parts")
    shot(county, "i16-county-accepted-1920")
    county.fill("#id_text", "经县住建局核实：" + TOWN_AGAIN)
    county.click("#btn-reply")
    county.wait_for_selector(".messages")
    # A complaint: the county's reply upward now waits for the centre's review (办结审核).
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.REVIEWING
    assert "待热线办审核" in county.inner_text(".messages")
    timeline = county.inner_text("main")
    for label in ("转下级办理", "下级单位签收", "下级单位回复", "下级回复退回重办", "下级回复审核通过"):
        assert label in timeline
    shot(county, "i16-county-replied-1920")
