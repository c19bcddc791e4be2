"""Chromium: the supervisor opens last month's assessment, publishes it through the confirm
dialog, and sees it frozen; the scheme's admin page opens for 中心管理员. Under the CSP, with no
console error (tests/web/browser.py watches every page)."""
import pytest

from assessment.months import current_month, label, previous_month
from hotline.models import Role
from tests.conftest import make_user
from tests.web.browser import CSP_VIOLATIONS, DESKTOP, login, new_page, shot

from .conftest import make_scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_last_month_through_the_page(browser, live_server, people):
    scheme = make_scheme()
    month = previous_month(current_month())
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, people["supervisor"].username)
    page.goto(f"{live_server.url}/")
    page.click("nav >> text=月度考核")
    page.wait_for_selector("#assessment-month")
    assert label(month) in page.inner_text("h1")
    assert "测试方案" in page.inner_text("#assessment-scheme") or scheme.name in page.content()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click(f"text=发布{label(month)}考核结果")
    page.wait_for_selector("#assessment-published")
    assert dialogs and "冻结" in dialogs[0]
    assert "已发布" in page.inner_text("h1")
    shot(page, "assessment-published")

    centre = make_user("centre_admin", Role.ADMIN, is_staff=True)
    admin_page = new_page(browser, DESKTOP)
    login(admin_page, live_server.url, centre.username)
    admin_page.goto(f"{live_server.url}/admin/assessment/scheme/{scheme.pk}/change/")
    assert "不能修改或删除" in admin_page.content()
    assert not CSP_VIOLATIONS, "\n".join(CSP_VIOLATIONS)
