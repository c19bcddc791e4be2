"""In Chromium (issue #24, item 8): timelines speak Chinese, never an event's code name such as
`sms_sent`, and every report export downloads under a name of its own."""
import re

import pytest

from dispatch import services as ds
from hotline.models import Channel, TicketEvent
from hotline.services import tickets as ts
from tests import factories

from .browser import DESKTOP, PHONE, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # sms_sent, co_sign, callback_due ...


@pytest.mark.parametrize("viewport, label", [(DESKTOP, "1920"), (PHONE, "375")])
def test_timelines_name_every_event_in_chinese(browser, live_server, people, unit_a, viewport, label):
    ticket = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                content="幸福路路灯不亮，晚上行人看不清路", citizen_phone="13812345678",
                                category=factories.category())
    ds.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)
    assert TicketEvent.objects.filter(ticket=ticket, kind="sms_sent").exists(), "the scene needs an SMS line"
    for who, url in (("supervisor", f"/tickets/{ticket.pk}/"), ("staff_a", f"/unit/tickets/{ticket.pk}/")):
        page = new_page(browser, viewport, mobile=viewport is PHONE)
        login(page, live_server.url, people[who].username)
        page.goto(live_server.url + url)
        timeline = page.inner_text(".timeline")
        assert "发送短信" in timeline
        assert not CODE_NAME.findall(timeline), f"{who} reads code names: {CODE_NAME.findall(timeline)}"
        shot(page, f"24-timeline-{who}-{label}")
        page.context.close()


def test_each_report_export_downloads_under_its_own_name(browser, live_server, people):
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, people["supervisor"].username)
    names = {}
    for report in ("categories", "ranking", ""):
        page.goto(f"{live_server.url}/reports/{report + '/' if report else ''}")
        for link in page.locator("a[href*='/reports/export.xlsx']").all():
            href = link.get_attribute("href")
            if href in names:
                continue
            with page.expect_download() as download:
                link.click()
            names[href] = download.value.suggested_filename
    shot(page, "24-report-exports-1920")
    assert len(names) >= 5, names
    # One report, one name: the category and channel tables no longer both arrive as 分类统计.
    by_name = {}
    for href, name in names.items():
        by_name.setdefault(re.sub(r"_\d{8}-\d{8}\.xlsx$", "", name), set()).add(
            re.sub(r"[?&](start|end|by)=[^&]*", "", href))
    assert all(len(hrefs) == 1 for hrefs in by_name.values()), by_name
    assert any(name.startswith("渠道统计") for name in names.values()), names
