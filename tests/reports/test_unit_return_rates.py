"""Per-unit 退单率, 退单驳回率 and 被改派 (issue 16) in the unit ranking and its export, worked out
by hand: the parts given to each unit as lead in the period, and what became of them."""
import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from dispatch import services as d
from hotline.clock import frozen_at
from reports import kpis
from reports.kpis import Filters
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MARCH = Filters(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 6))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def handled(people):
    """Unit A is given four tickets in the first week of March 2026:
    T1 asks to return, accepted and re-dispatched to B;  T2 asks to return, refused;
    T3 reassigned to B;  T4 handled.  B is given T1 and T3 (by re-dispatch and reassignment).
    One more ticket went to A in February and was returned: outside the period."""
    sup, a, b = people["supervisor"], people["staff_a"], people["staff_b"].unit
    with frozen_at(at("2026-02-24 10:00")):
        d.ticket_return_accept(ticket=f.with_pending_return(people, co=False), actor=sup)
    with frozen_at(at("2026-03-02 09:00")):
        t1, t2, t3, _t4 = (f.dispatched(people, co=False) for _ in range(4))
    with frozen_at(at("2026-03-02 15:00")):
        d.ticket_return(ticket=t1, actor=a, reason_code="not_ours", reason="非本单位职责")
        d.ticket_return(ticket=t2, actor=a, reason_code="unclear", reason="地址不清")
    with frozen_at(at("2026-03-03 10:00")):
        d.ticket_return_accept(ticket=t1, actor=sup, lead_unit=b)
        d.ticket_return_refuse(ticket=t2, actor=sup, reason="地址已补充")
        d.ticket_reassign(ticket=t3, actor=sup, lead_unit=b, reason="职责调整")


def rows_by_unit(people, filters=MARCH) -> dict[int, dict]:
    return {row["key"]: row for row in kpis.unit_ranking(filters)}


def test_the_ranking_counts_returns_refusals_and_reassignments_per_unit(people, handled):
    rows = rows_by_unit(people)
    a, b, c = (rows[people[k].unit_id] for k in ("staff_a", "staff_b", "outsider"))
    assert {k: a[k] for k in kpis.UNIT_COUNTS} == {
        "lead_dispatched": 4, "returns_requested": 2, "returns_accepted": 1, "returns_refused": 1, "reassigned": 1}
    assert a["return_rate"] == 0.25 and a["return_refusal_rate"] == 0.5
    assert (b["lead_dispatched"], b["returns_requested"], b["return_rate"], b["return_refusal_rate"]) == (2, 0, 0.0,
                                                                                                          None)
    assert (c["lead_dispatched"], c["return_rate"]) == (0, None)


def test_the_period_and_the_ticket_filters_apply(people, handled):
    february = rows_by_unit(people, Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)))
    a = february[people["staff_a"].unit_id]
    assert (a["lead_dispatched"], a["returns_accepted"], a["return_rate"]) == (1, 1, 1.0)
    other_type = rows_by_unit(people, Filters(start=MARCH.start, end=MARCH.end, ticket_type="consultation"))
    assert other_type[people["staff_a"].unit_id]["lead_dispatched"] == 0
    by_category = rows_by_unit(people, Filters(start=MARCH.start, end=MARCH.end, category=f.category().parent))
    assert by_category[people["staff_a"].unit_id]["lead_dispatched"] == 4


def test_the_export_has_the_rates(people, handled, client):
    client.force_login(people["supervisor"])
    r = client.get("/reports/export.xlsx?report=ranking&start=2026-03-02&end=2026-03-06")
    sheet = load_workbook(BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    assert {"退单率", "退单驳回率", "被改派"} <= set(header)
    values = {row[header.index("承办单位")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    a = values[people["staff_a"].unit.name]
    assert a[header.index("退单率")] == 0.25 and a[header.index("被改派")] == 1
