"""A test month with known events gives scores computed by hand (tests/assessment/conftest.py
`september`); a published month stays frozen and its late events count in the next month."""
import datetime as dt

import pytest

from assessment.models import MonthScore
from assessment.selectors import month_scores
from assessment.services import assessment_month_publish
from dispatch import services as d
from hotline.clock import frozen_at
from hotline.errors import Conflict, InvalidInput
from tests import factories as f

from .conftest import at, refresh

# The rollup's SQL (day boundaries, the correlated unit subquery) runs on PostgreSQL too.
pytestmark = pytest.mark.postgres_too

SEPTEMBER, OCTOBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def by_unit(scores):
    return {s.unit_id: s for s in scores}


def test_september_scores_by_hand(september):
    scores = month_scores(month=dt.date(2026, 9, 17))  # any day of the month
    a, b = by_unit(scores)[september["A"].pk], by_unit(scores)[september["B"].pk]

    # Unit A. Tickets whose current lead unit is A: T1, T2 (re-dispatched), T4 → 交办 3;
    # T3 was returned and has no unit. 办结: T1 → 办结率 1/3 → 40 × 1/3 = 13.333
    assert a.indicators["closure_rate"]["value"] == pytest.approx(1 / 3, abs=1e-4)
    assert a.indicators["closure_rate"]["points"] == pytest.approx(13.33)
    # Surveys of A's tickets: T1 满意, T2 不满意 → 1/2 = 50% → 40 × (50 − 40) / (90 − 40) = 8
    assert a.indicators["satisfaction_rate"]["value"] == 0.5
    assert a.indicators["satisfaction_rate"]["points"] == 8
    # Lead parts given to A in September: T1, T2 twice, T3, T4 = 5; one 退单 accepted (T3)
    # → 20% → lower is better: 20 × (50 − 20) / (50 − 0) = 12
    assert a.indicators["return_rate"]["value"] == 0.2
    assert a.indicators["return_rate"]["points"] == 12
    # One 督办 (T4): 0 − min(3, 2 × 1) = −2; no praise: 0
    assert a.indicators["supervised"] == {**a.indicators["supervised"], "value": 1, "points": -2}
    assert a.indicators["praised"]["points"] == 0
    assert a.score == pytest.approx(round(40 / 3 + 8 + 12 - 2 + 0, 2))  # 31.33

    # Unit B: T5 (praise) and T6, both open → 办结率 0/2 → 0; no surveys → 满意率 has nothing
    # to measure → the full 40; 2 lead parts, no 退单 → 0% → 20; no 督办 → 0; one praise → +1.5
    assert b.indicators["closure_rate"]["points"] == 0
    assert b.indicators["satisfaction_rate"] == {**b.indicators["satisfaction_rate"], "value": None, "points": 40}
    assert b.indicators["return_rate"]["points"] == 20
    assert b.indicators["praised"]["value"] == 1 and b.indicators["praised"]["points"] == 1.5
    assert b.score == 0 + 40 + 20 + 0 + 1.5  # 61.5

    assert [(s.unit_id, s.rank) for s in scores] == [(september["B"].pk, 1), (september["A"].pk, 2)]
    assert not any(s.published for s in scores)


def test_published_month_is_frozen_and_late_events_count_next_month(september, people):
    with frozen_at(at("2026-10-02 09:00")):
        published = assessment_month_publish(month=SEPTEMBER, actor=people["supervisor"])
    before = {s.unit_id: (s.score, s.indicators) for s in month_scores(month=SEPTEMBER)}
    assert before[september["B"].pk][0] == 61.5 and before[september["A"].pk][0] == pytest.approx(31.33)
    assert MonthScore.objects.filter(published=published).count() == 2

    # Nothing has happened in October yet (and the answer is cached until the rollups move)
    assert month_scores(month=OCTOBER) == []

    # October: B replies T6 (a September ticket), the centre approves, the citizen is satisfied;
    # A's T4 is supervised again; B gets a new ticket T7.
    with frozen_at(at("2026-10-12 10:00")):
        t6 = september["T6"]
        d.ticket_sign(ticket=f.fresh(t6), actor=people["staff_b"])
        d.ticket_reply(ticket=f.fresh(t6), actor=people["staff_b"], text=f.REPLY_TEXT)
        if f.fresh(t6).state == "reviewing":
            d.ticket_review_approve(ticket=f.fresh(t6), actor=people["supervisor"])
        d.survey_record(ticket=f.fresh(t6), result="satisfied", actor=people["operator"])
        d.ticket_supervise(ticket=f.fresh(september["T4"]), actor=people["supervisor"])
        t7 = f.registered(people)
        d.ticket_dispatch(ticket=t7, actor=people["supervisor"], lead_unit=september["B"])
    refresh("2026-10-12 18:00")

    # September has not moved.
    after = {s.unit_id: (s.score, s.indicators) for s in month_scores(month=SEPTEMBER)}
    assert after == before
    assert all(s.published for s in month_scores(month=SEPTEMBER))

    october = by_unit(month_scores(month=OCTOBER))
    b = october[september["B"].pk]
    # B in October: its own T7 (交办 1, open, 1 lead part) plus what changed on its September
    # tickets since publication (T6 closed: 办结 +1; one answered survey, satisfied: +1, +1).
    # 办结率 = (0 + 1) / (1 + 0) = 100% → 40; 满意率 1/1 → 40; 退单 0/1 → 20; praise 0 → 100
    assert b.indicators["closure_rate"]["value"] == 1.0
    assert b.indicators["satisfaction_rate"]["value"] == 1.0
    assert b.score == 40 + 40 + 20
    a = october[september["A"].pk]
    # A in October: nothing dispatched, the 督办 of 12 October: no rates to measure (full
    # weights 40 + 40 + 20) − 2
    assert a.indicators["supervised"]["value"] == 1
    assert a.score == 40 + 40 + 20 - 2


def test_publishing_twice_or_too_early_is_refused(september, people):
    with frozen_at(at("2026-09-20 09:00")), pytest.raises(InvalidInput, match="尚未结束"):
        assessment_month_publish(month=SEPTEMBER, actor=people["supervisor"])
    with frozen_at(at("2026-10-02 09:00")):
        assessment_month_publish(month=SEPTEMBER, actor=people["supervisor"])
        with pytest.raises(Conflict, match="已经发布"):
            assessment_month_publish(month=SEPTEMBER, actor=people["supervisor"])
    with frozen_at(at("2026-10-02 09:00")), pytest.raises(Conflict, match="不能再发布更早"):
        assessment_month_publish(month=dt.date(2026, 8, 1), actor=people["supervisor"])


def test_unit_staff_and_leaders_may_not_publish(september, people):
    from hotline.errors import NotAllowed

    for who in ("staff_a", "leader", "operator"):
        with frozen_at(at("2026-10-02 09:00")), pytest.raises(NotAllowed):
            assessment_month_publish(month=SEPTEMBER, actor=people[who])


@pytest.mark.parametrize("bad", ["2026-13", "abc", "", "26-1", "2026/09"])
def test_bad_month_is_a_clear_error(db, bad):
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        month_scores(month=bad)
