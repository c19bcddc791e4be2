"""Every page at 375 px and 1920 px: it renders, and a phone never scrolls sideways."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch import services as ds
from hotline.models import Category, Channel, Ticket
from hotline.services import tickets as ts

from .browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = ("小区东门外的道路因为燃气管道施工被挖开后一直没有恢复，" * 4) + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 3


def scene(people, unit_a, unit_b):
    """One ticket in each state the pages show, with long unbroken text to stress the layout."""
    op, sup, leader, staff = people["operator"], people["supervisor"], people["leader"], people["staff_a"]
    gas = Category.objects.get(full_name="城乡建设/城市建设和市政管理/燃气供应")

    def reg(**kw):
        return ts.ticket_register(actor=op, channel=Channel.PHONE, ticket_type="complaint", content=LONG,
                                  citizen_phone="13812345678", citizen_name="张三丰", address="幸福路88号",
                                  category=gas, **kw)

    pending = ds.ticket_submit_for_approval(ticket=reg(), actor=sup, leader=leader)
    ds.ticket_instruct(ticket=reg_pending(reg, sup, leader), actor=leader, text="请尽快处理", units=[unit_a])
    handling = ds.ticket_dispatch(ticket=reg(), actor=sup, lead_unit=unit_a, co_units=[unit_b])
    replied = ds.ticket_dispatch(ticket=reg(), actor=sup, lead_unit=unit_a)
    ds.ticket_sign(ticket=replied, actor=staff)
    ds.ticket_reply(ticket=replied, actor=staff, text=LONG,
                    files=[SimpleUploadedFile("一个很长很长的附件文件名称用于测试换行.pdf", b"%PDF")])
    ds.ticket_urge(ticket=handling, actor=sup, note="请抓紧办理")
    return {"pending": pending, "handling": handling, "replied": Ticket.objects.get(pk=replied.pk)}


def reg_pending(reg, sup, leader):
    return ds.ticket_submit_for_approval(ticket=reg(), actor=sup, leader=leader)


PAGES = {
    None: ["/login/", "/portal/", "/portal/submit/", "/portal/query/", "/portal/cases/"],
    "operator": ["/console/", "/console/callbacks/", "/tickets/", "/tickets/{handling}/"],
    "supervisor": ["/board/", "/tickets/{pending}/", "/tickets/{replied}/"],  # "replied": awaiting review (办结审核)
    "leader": ["/m/", "/m/tickets/{pending}/", "/m/instructed/"],
    "staff_a": ["/unit/", "/unit/tickets/{handling}/", "/unit/tickets/{replied}/", "/unit/done/", "/unit/search/"],
}


@pytest.mark.parametrize("viewport, label", [(PHONE, "375"), (DESKTOP, "1920")])
def test_every_page_at_both_widths(browser, live_server, people, unit_a, unit_b, viewport, label):
    tickets = scene(people, unit_a, unit_b)
    ids = {k: t.pk for k, t in tickets.items()}
    for who, urls in PAGES.items():
        page = new_page(browser, viewport, mobile=viewport is PHONE)
        if who:
            login(page, live_server.url, people[who].username)
        for url in urls:
            url = url.format(**ids)
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            assert page.title() and page.locator("main").count() == 1
            if viewport is PHONE:
                assert_no_horizontal_scroll(page)
            name = (who or "public") + url.replace("/", "_").rstrip("_")
            shot(page, f"w{label}-{name}")
        page.context.close()
