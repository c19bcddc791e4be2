"""办结审核 in the reports (issue 16 item 3): per unit, how many of its replies the centre reviewed
and how many it sent back (退回重办), and the rate, from the set-based rollup."""
import csv
import io

import pytest
from django.utils import timezone

from dispatch import services as d
from reports import kpis, rollup
from reports.kpis import Filters
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the rollup is raw SQL

GOOD = "已联系物业公司更换楼上破损水管并修补墙面，市民确认不再漏水"
REASON = "未说明墙面修补完成时间，请补充"


def handled_by(people, who: str, **extra):
    ticket = f.registered(people, **extra)
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people[who].unit)
    d.ticket_sign(ticket=ticket, actor=people[who])
    d.ticket_reply(ticket=ticket, actor=people[who], text=GOOD)
    return f.fresh(ticket)


@pytest.fixture
def reviewed(people):
    """Unit A: one reply sent back then approved, one approved at once, one awaiting review, one
    求助 (not reviewed). Unit B: one sent back, its new reply awaiting review."""
    sup = people["supervisor"]
    first = handled_by(people, "staff_a")
    d.ticket_review_send_back(ticket=first, actor=sup, reason=REASON)
    d.ticket_reply(ticket=first, actor=people["staff_a"], text=GOOD + "，墙面已于昨日修补完毕")
    d.ticket_review_approve(ticket=first, actor=sup)
    d.ticket_review_approve(ticket=handled_by(people, "staff_a"), actor=sup)
    handled_by(people, "staff_a")
    handled_by(people, "staff_a", ticket_type="help")
    other = handled_by(people, "staff_b")
    d.ticket_review_send_back(ticket=other, actor=sup, reason=REASON)
    d.ticket_reply(ticket=other, actor=people["staff_b"], text=GOOD + "，墙面已于昨日修补完毕")
    rollup.refresh()
    today = timezone.localdate()
    return Filters(start=today, end=today)


def test_the_rollup_counts_each_units_reviews_and_send_backs(people, reviewed):
    total = kpis.totals(reviewed)
    assert (total["reviewed"], total["sent_back"]) == (4, 2)
    assert total["sent_back_rate"] == pytest.approx(2 / 4)
    rows = {row["key"]: row for row in kpis.unit_ranking(reviewed)}
    a, b = rows[people["staff_a"].unit_id], rows[people["staff_b"].unit_id]
    assert (a["reviewed"], a["sent_back"], a["sent_back_rate"]) == (3, 1, pytest.approx(1 / 3, abs=1e-4))
    assert (b["reviewed"], b["sent_back"], b["sent_back_rate"]) == (1, 1, 1.0)
    assert rows[people["outsider"].unit_id]["sent_back_rate"] is None  # nothing reviewed: no rate


def test_the_ranking_page_and_export_show_the_send_back_rate(client, people, reviewed):
    client.force_login(people["supervisor"])
    day = reviewed.start.isoformat()
    page = client.get(f"/reports/ranking/?start={day}&end={day}").content.decode()
    assert "退回重办率" in page and "1 / 3" in page and "33.3%" in page
    assert "退回重办率" in client.get(f"/reports/?start={day}&end={day}").content.decode()  # the KPI card
    response = client.get(f"/reports/export.csv?report=ranking&start={day}&end={day}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    rate = rows[0].index("退回重办率(%)")
    by_unit = {row[1]: row for row in rows[1:]}
    assert by_unit[people["staff_a"].unit.name][rate] == "33.33"
    assert by_unit[people["staff_a"].unit.name][rows[0].index("退回重办量")] == "1"
