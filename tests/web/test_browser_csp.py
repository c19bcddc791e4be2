"""Issue 20 item 5: every page of every role works in Chromium under the Content-Security-Policy:
the header is on each page and the browser reports no violation (the shared fixture in
tests/web/browser.py fails any browser test on one; this test walks every page there is)."""
import pytest

from dispatch import services as ds
from hotline.models import Category, Channel, Role
from hotline.services import tickets as ts

from ..conftest import make_user
from .browser import CSP_VIOLATIONS, DESKTOP, PROBLEMS, expect_failure, login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    None: ["/login/", "/portal/", "/portal/submit/", "/portal/cases/", "/portal/query/", "/portal/faq/",
           "/portal/faq/?q=公积金", "/admin/login/", "/api/schema/docs/", "/api/schema/redoc/", "/display/pair/",
           "/no-such-page/"],
    "supervisor": ["/", "/board/", "/tickets/", "/tickets/{open}/", "/tickets/{closed}/", "/tickets/{closed}/case/",
                   "/reports/", "/reports/ranking/", "/reports/categories/", "/reports/lights/",
                   "/reports/hot-topics/", "/dev/phone/", "/dev/phone/?phone=13812345678", "/console/missed-calls/",
                   "/knowledge/", "/knowledge/new/", "/knowledge/review/", "/knowledge/import/",
                   "/knowledge/synonyms/", "/knowledge/stats/", "/logout/"],
    "operator": ["/console/", "/console/knowledge/", "/tickets/{open}/"],
    "leader": ["/m/", "/m/instructed/"],
    "staff_a": ["/unit/", "/unit/done/", "/unit/search/", "/unit/tickets/{open}/", "/knowledge/"],
    "display": ["/display/"],
    # 三员分立: configuration is the system administrator's, business records the centre's administrator's.
    "sysadmin": ["/admin/", "/admin/hotline/user/", "/admin/hotline/user/add/", "/admin/dispatch/holidayyear/",
                 "/admin/dispatch/holidayyear/import/", "/admin/dispatch/timelimitpolicy/add/",
                 "/api/schema/docs/", "/api/schema/redoc/"],
    "centre_admin": ["/admin/", "/admin/hotline/ticket/", "/admin/hotline/ticket/{open}/change/"],
    "secadmin": ["/admin/", "/admin/hotline/user/"],
    "auditor": ["/audit/", "/audit/?action=login"],
}
EXPECTED = ("/no-such-page/",)


def _tickets(people, unit):
    category = Category.objects.filter(level=3).order_by("pk").first()
    closed = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                content="门口路灯不亮，晚上出行不便", citizen_phone="13812345678",
                                citizen_name="张三丰", category=category)
    ds.ticket_dispatch(ticket=closed, actor=people["supervisor"], lead_unit=unit)
    ds.ticket_sign(ticket=closed, actor=people["staff_a"])
    ds.ticket_reply(ticket=closed, actor=people["staff_a"], text="已安排维修人员更换灯泡，路灯恢复照明")
    opened = ts.ticket_register(actor=people["operator"], channel=Channel.PHONE, ticket_type="complaint",
                                content="小区门口道路塌陷，存在安全隐患", citizen_phone="13812345679",
                                citizen_name="李四", category=category)
    ds.ticket_dispatch(ticket=opened, actor=people["supervisor"], lead_unit=unit)
    return opened, closed


def test_every_page_carries_the_policy_and_breaks_none_of_it(browser, live_server, people, unit_a, settings):
    settings.SMS_DEV_PHONE = True
    for part in EXPECTED:
        expect_failure(part)
    opened, closed = _tickets(people, unit_a)
    accounts = dict(people, **{name: make_user(name, role, is_staff=role != Role.AUDITOR) for name, role in (
        ("sysadmin", Role.SYSADMIN), ("centre_admin", Role.ADMIN), ("secadmin", Role.SECADMIN),
        ("auditor", Role.AUDITOR))})
    seen = []
    for who, urls in PAGES.items():
        page = new_page(browser, DESKTOP)
        if who:
            login(page, live_server.url, accounts[who].username)
        for url in urls:
            url = url.format(open=opened.pk, closed=closed.pk)
            response = page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self';" in policy, (url, who, policy)
            # The one exception (config/urls.py): Redoc's own <style> elements on its page.
            allowed = "style-src 'self' 'unsafe-inline';" if url == "/api/schema/redoc/" else "style-src 'self';"
            assert allowed in policy and policy.count("unsafe-inline") == (allowed != "style-src 'self';"), url
            assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy, (url, who)
            seen.append((who, url, response.status))
        page.context.close()
    # The API docs really drew themselves (their scripts ran under the policy).
    page = new_page(browser, DESKTOP)
    page.goto(f"{live_server.url}/api/schema/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    page.goto(f"{live_server.url}/api/schema/redoc/")
    page.wait_for_selector("text=12345 政务服务便民热线 API", timeout=20_000)
    assert not CSP_VIOLATIONS, "\n".join(CSP_VIOLATIONS)
    assert len(seen) == sum(len(urls) for urls in PAGES.values())


def test_an_inline_script_or_style_would_be_caught(browser, live_server, db):
    """The listener works: what a template mistake would do is blocked and reported."""
    page = new_page(browser, DESKTOP)
    page.goto(f"{live_server.url}/login/")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML("beforeend", '<p style="color:red">x</p>');
        const s = document.createElement("script"); s.textContent = "window.ran = true"; document.body.append(s);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.ran") is None  # the inline script did not run
    caught = "\n".join(CSP_VIOLATIONS)
    assert "style-src" in caught and "script-src" in caught, caught
    CSP_VIOLATIONS.clear()
    PROBLEMS.clear()  # provoked on purpose: not a fault of the page
