"""An upheld appeal leaves the unit's KPIs (reports' rollup); a rejected one does not."""
import pytest
from django.utils import timezone

from appeals.services import appeal_file, appeal_reject, appeal_uphold
from reports import kpis, rollup
from reports.kpis import Filters

from .conftest import closed_late, redispatched, satisfied

REASON = "市民诉求超出政策范围，已按规定答复"


def unit_kpis(unit):
    today = timezone.localdate()
    return kpis.totals(Filters(start=today, end=today, unit=unit))


@pytest.fixture
def two_callbacks(people):
    """Unit A: one satisfied, one dissatisfied callback → 满意率 1/2."""
    satisfied(people)
    ticket = redispatched(people)
    rollup.refresh()
    row = unit_kpis(people["staff_a"].unit)
    assert (row["satisfied"], row["valid_callbacks"]) == (1, 2)
    assert row["satisfaction_rate"] == pytest.approx(0.5)
    return appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)


def test_upheld_dissatisfied_leaves_valid_callbacks(people, two_callbacks):
    appeal_uphold(appeal=two_callbacks, actor=people["supervisor"], note="录音证实已按政策答复")
    state = rollup.refresh()  # incremental: the ruling's event made the ticket's day dirty
    assert state.days_refreshed >= 1
    row = unit_kpis(people["staff_a"].unit)
    assert (row["satisfied"], row["valid_callbacks"]) == (1, 1)
    assert row["satisfaction_rate"] == pytest.approx(1.0)
    assert row["callback_rate"] == pytest.approx(1.0)  # the call did happen: 回访率 unchanged
    assert row["called_back"] == 2


def test_rejected_dissatisfied_still_counts(people, two_callbacks):
    appeal_reject(appeal=two_callbacks, actor=people["supervisor"], reason="理由不充分")
    rollup.refresh()
    row = unit_kpis(people["staff_a"].unit)
    assert (row["satisfied"], row["valid_callbacks"]) == (1, 2)


def test_upheld_overdue_counts_as_on_time(people):
    ticket = closed_late(people)
    rollup.refresh()
    before = unit_kpis(people["staff_a"].unit)
    assert (before["closed_on_time"], before["due"]) == (0, 1)
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON)
    appeal_uphold(appeal=appeal, actor=people["supervisor"], note="暴雨停电导致超期")
    rollup.refresh()
    after = unit_kpis(people["staff_a"].unit)
    assert (after["closed_on_time"], after["due"]) == (1, 1)
    assert after["on_time_rate"] == pytest.approx(1.0)


def test_upheld_overdue_of_an_open_ticket_is_not_due(people):
    from .conftest import overdue
    ticket = overdue(people)
    rollup.refresh()
    assert unit_kpis(people["staff_a"].unit)["due"] == 1
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON)
    appeal_uphold(appeal=appeal, actor=people["supervisor"], note="成立")
    rollup.refresh()
    assert unit_kpis(people["staff_a"].unit)["due"] == 0


def test_report_page_shows_the_raised_rate(client, people, two_callbacks):
    appeal_uphold(appeal=two_callbacks, actor=people["supervisor"], note="成立")
    rollup.refresh()
    client.force_login(people["staff_a"])
    page = client.get("/reports/").content.decode()
    assert "满意率" in page and "100.0%" in page and "1 / 1" in page


def unit_reopens(unit) -> int:
    from django.db.models import Sum

    from assessment import rollup as assessment_rollup
    from assessment.models import EventDailyStat

    assessment_rollup.refresh()
    return EventDailyStat.objects.filter(unit_id=unit.pk).aggregate(n=Sum("reopens"))["n"] or 0


@pytest.mark.postgres_too  # the rollup's SQL on both databases
def test_upheld_dissatisfied_leaves_the_units_reopen_count(people, two_callbacks):
    """The 不满意重办 the struck-out rating caused leaves the assessment's 重办率 too (incremental refresh)."""
    unit = people["staff_a"].unit
    assert unit_reopens(unit) == 1
    appeal_uphold(appeal=two_callbacks, actor=people["supervisor"], note="录音证实已按政策答复")
    assert unit_reopens(unit) == 0


@pytest.mark.postgres_too  # the rollup's SQL on both databases
def test_rejected_dissatisfied_keeps_the_reopen(people, two_callbacks):
    unit = people["staff_a"].unit
    assert unit_reopens(unit) == 1
    appeal_reject(appeal=two_callbacks, actor=people["supervisor"], reason="理由不充分")
    assert unit_reopens(unit) == 1


@pytest.mark.postgres_too  # the rollup's SQL on both databases
def test_a_ruling_days_after_the_reopen_rebuilds_the_reopens_day(people):
    """Registered three days ago, reopened two days ago, the rollup refreshed yesterday: today's
    ruling must rebuild the day of the reopen, which no event of today belongs to."""
    import datetime as dt

    from dispatch import services as d
    from hotline.clock import frozen_at
    from tests import factories as f

    now = timezone.now()
    unit = people["staff_a"].unit
    with frozen_at(now - dt.timedelta(days=3)):
        ticket = f.replied(people, co=False)
    with frozen_at(now - dt.timedelta(days=2)):
        d.survey_record(ticket=f.fresh(ticket), result="dissatisfied", actor=people["operator"], method="phone")
        d.ticket_dispatch(ticket=f.fresh(ticket), actor=people["supervisor"], lead_unit=unit)
        appeal = appeal_file(ticket=f.fresh(ticket), actor=people["staff_a"], kind="dissatisfied", reason=REASON)
    with frozen_at(now - dt.timedelta(days=1)):
        assert unit_reopens(unit) == 1
    appeal_uphold(appeal=appeal, actor=people["supervisor"], note="录音证实已按政策答复")
    assert unit_reopens(unit) == 0
