"""An appeal end to end in headless Chromium (issue 18): unit A's staff file a 不满意申诉 with a
reason from their ticket page, the supervisor upholds it on the centre's appeal list, and the
unit's 满意率 on the reports page and its score on /assessment/ rise once the rollups
refresh. Screenshots in tests/screenshots/."""
import pytest
from django.utils import timezone

from appeals.models import Appeal
from assessment import rollup as assessment_rollup
from assessment.services import scheme_default_ensure
from dispatch import services as d
from reports import rollup
from tests import factories as f
from tests.web.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, login, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "市民要求的补偿超出政策规定，已按规定解释并留存通话录音。"


def satisfaction_card(page) -> str:
    return page.locator(".cards .card", has_text="满意率").inner_text()


def unit_score(page, base: str) -> float:
    """The unit's total on its own /assessment/ page for this month (computed live, unpublished)."""
    page.goto(f"{base}/assessment/?month={timezone.localdate():%Y-%m}")
    return float(page.locator("#assessment-ranking tbody tr strong").first.inner_text())


def refresh_rollups() -> None:
    """What the beat does every minute or so."""
    rollup.refresh()
    assessment_rollup.refresh()


def test_unit_appeals_supervisor_upholds_and_the_rate_and_score_rise(browser, live_server, people):
    base = live_server.url
    scheme_default_ensure(valid_from=timezone.localdate().replace(day=1))  # the default 考核方案
    satisfied = f.replied(people, co=False)
    d.survey_record(ticket=satisfied, result="satisfied", actor=people["operator"], method="phone")
    ticket = f.replied(people, co=False)
    d.survey_record(ticket=ticket, result="dissatisfied", actor=people["operator"], method="phone")
    # 重办: the centre sends it back to unit A (the reports count it under its current lead unit)
    d.ticket_dispatch(ticket=f.fresh(ticket), actor=people["supervisor"], lead_unit=people["staff_a"].unit)
    refresh_rollups()

    unit = new_page(browser, PHONE, mobile=True)
    login(unit, base, "staff_a")
    unit.goto(f"{base}/reports/")
    assert "50.0%" in satisfaction_card(unit) and "1 / 2" in satisfaction_card(unit)
    score_before = unit_score(unit, base)

    unit.goto(f"{base}/unit/tickets/{ticket.pk}/")
    unit.click("#btn-appeal-dissatisfied")
    unit.wait_for_selector("#appeal-form")
    unit.click("#btn-appeal-submit")  # no reason: refused, nothing filed
    unit.wait_for_selector("#appeal-form .errorlist")
    assert "申诉理由不能为空" in unit.inner_text("#appeal-form")
    assert not Appeal.objects.exists()
    unit.fill("#appeal-form textarea[name=reason]", REASON)
    assert_no_horizontal_scroll(unit)
    shot(unit, "i18-unit-appeal-form-375")
    unit.click("#btn-appeal-submit")
    unit.wait_for_selector("#awaiting-ruling")
    assert REASON in unit.inner_text("#appeal-reason")
    appeal = Appeal.objects.get()

    centre = new_page(browser, DESKTOP)
    login(centre, base, "supervisor")
    centre.goto(f"{base}/appeals/")
    row = centre.locator(f"#appeal-{appeal.pk}")
    assert ticket.number in row.inner_text() and "绿灯" in row.inner_text()
    shot(centre, "i18-centre-appeals-1920")
    centre.click(f"#appeal-{appeal.pk} a")
    centre.fill("#ruling-form textarea[name=note]", "通话录音证实已按政策解释，不满意不计入考核。")
    centre.click("#btn-uphold")
    centre.wait_for_selector("#ruling")
    assert "申诉成立" in centre.inner_text("#ruling")
    shot(centre, "i18-centre-appeal-upheld-1920")
    assert Appeal.objects.get(pk=appeal.pk).state == "upheld"

    refresh_rollups()
    unit.goto(f"{base}/reports/")
    assert "100.0%" in satisfaction_card(unit) and "1 / 1" in satisfaction_card(unit)
    shot(unit, "i18-unit-reports-after-appeal-375")
    # the default scheme: 满意率 30 points linear 60–100%, 解决率 15 points linear 50–100%:
    # 50% → 0 and 50% → 0 before, 100% → 30 and 100% → 15 after; 重办率 5 points, linear from
    # 20% (none) down to 0% (all): the struck-out rating's reopen among unit A's few lead dispatches
    # (over 20%) → 0 before, no reopen left (0%) → 5 after
    score_after = unit_score(unit, base)
    shot(unit, "i18-unit-assessment-after-appeal-375")
    assert score_after == pytest.approx(score_before + 30 + 15 + 5)
    unit.goto(f"{base}/unit/tickets/{ticket.pk}/")
    assert "申诉成立" in unit.inner_text("#appeals-card")
