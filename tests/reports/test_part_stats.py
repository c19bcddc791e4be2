"""Issue 16 items 5 and 6 in the reports: per unit, its co-unit parts and how many it answered by
its own deadline (协办按时答复率), and the tickets it handed down to sub-units (转下级办理)."""
import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services as d
from dispatch.models import Assignment
from hotline.models import Unit
from reports import kpis, rollup
from reports.models import DailyPartStat
from tests import factories as f

pytestmark = pytest.mark.django_db
CO_OPINION = "交通局已在塌陷路段设置围挡和警示标志，并安排专人巡查。"


def test_co_unit_on_time_rate_and_hand_downs_per_unit(client, people, unit_a, unit_b):
    town = Unit.objects.create(name="城关镇", code="cgz", kind=Unit.Kind.TOWN, parent=unit_a)
    on_time = f.in_progress(people, co_signed=True)
    d.ticket_reply(ticket=on_time, actor=people["staff_b"], text=CO_OPINION)
    late = f.in_progress(people, co_signed=True)
    part = Assignment.objects.get(ticket=late, unit=unit_b)
    Assignment.objects.filter(pk=part.pk).update(due_at=part.assigned_at - dt.timedelta(minutes=1))
    d.ticket_reply(ticket=late, actor=people["staff_b"], text=CO_OPINION)
    f.in_progress(people, co_signed=True)  # still within its own deadline: not due yet
    for _ in range(2):
        d.ticket_hand_down(ticket=f.in_progress(people, co=False), actor=people["staff_a"], unit=town)
    rollup.refresh()

    today = timezone.localdate()
    rows = {r["label"]: r for r in kpis.part_ranking(kpis.Filters(start=today, end=today))}
    b = rows[unit_b.name]
    assert (b["co_parts"], b["co_due"], b["co_on_time"], b["co_on_time_rate"]) == (3, 2, 1, 0.5)
    a = rows[unit_a.name]  # its town's received parts roll up into it
    assert (a["handed_down"], a["sub_parts"]) == (2, 2)
    assert DailyPartStat.objects.get(unit_id=town.pk).sub_parts == 2

    client.force_login(people["supervisor"])
    page = client.get(f"/reports/ranking/?start={today}&end={today}").content.decode()
    assert "协办按时答复率" in page and 'id="part-ranking"' in page and "50.0%" in page
