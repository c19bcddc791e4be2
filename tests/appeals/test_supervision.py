"""电子监察: the counts per unit for a small set of tickets, counted by hand; drill-down; who sees what."""
import datetime as dt

import pytest
from django.utils import timezone

from appeals import supervision
from appeals.services import appeal_file
from dispatch import services as d
from dispatch.models import Assignment
from hotline.models import TicketEvent
from hotline.workflow import record_event
from tests import factories as f
from tests.history import rewriting_history

from .conftest import dissatisfied


@pytest.fixture
def month(people):
    """Unit A: T1 urged twice and supervised by the supervisor, turned red (the sweep's 督办), one
    signing reminder; T2 returned (accepted); T3 replied, 不满意 (重办), appealed. Unit B: T4 extended.
    T5 (unit A) urged last month only."""
    sup = people["supervisor"]
    t1 = f.dispatched(people, co=False)
    d.ticket_urge(ticket=t1, actor=sup, note="请尽快办理")
    d.ticket_urge(ticket=t1, actor=sup, note="再次催办", repeat=True)
    d.ticket_supervise(ticket=t1, actor=sup, note="督办")
    d.ticket_supervise(ticket=t1, actor=None, actor_label="system", note="红灯督办")
    record_event(ticket=t1, kind="sign_overdue", actor_label="system", payload={"note": "签收超时提醒"})
    t2 = f.returned(people, co=False)
    t3 = dissatisfied(people)
    appeal_file(ticket=t3, actor=people["staff_a"], kind="dissatisfied", reason="已按政策答复")
    t4 = d.ticket_dispatch(ticket=f.registered(people), actor=sup, lead_unit=people["staff_b"].unit)
    d.ticket_sign(ticket=t4, actor=people["staff_b"])
    ext = d.extension_request(ticket=t4, actor=people["staff_b"], reason="需协调多个部门", extra_days=3)
    d.extension_decide(extension=ext, actor=sup, approve=True)
    t5 = f.dispatched(people, co=False)
    urge = d.ticket_urge(ticket=t5, actor=sup, note="上月催办")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=3)
    with rewriting_history():
        TicketEvent.objects.filter(pk=urge.pk).update(
            created_at=timezone.make_aware(dt.datetime.combine(last_month, dt.time(10))))
        # it was dispatched to A before that: the event is held against the lead part of its moment
        Assignment.objects.filter(ticket=t5).update(
            assigned_at=timezone.make_aware(dt.datetime.combine(last_month, dt.time(9))))
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5}


def test_counts_by_hand(people, month):
    first, last = supervision.month_bounds()
    counts = supervision.supervision_counts(first, last)
    a, b = people["staff_a"].unit_id, people["staff_b"].unit_id
    assert counts[a] == {"urged": 1, "supervised": 1, "overdue": 1, "sign_overdue": 1,
                         "returned": 1, "reopened": 1, "appealed": 1}
    assert counts[b] == {"extended": 1}
    assert people["outsider"].unit_id not in counts


def test_drill_down_lists_the_tickets(people, month):
    first, last = supervision.month_bounds()
    a = people["staff_a"].unit_id
    assert [t.pk for t in supervision.supervision_tickets(a, "urged", first, last)] == [month["t1"].pk]
    assert [t.pk for t in supervision.supervision_tickets(a, "returned", first, last)] == [month["t2"].pk]
    assert [t.pk for t in supervision.supervision_tickets(a, "appealed", first, last)] == [month["t3"].pk]
    last_month = first - dt.timedelta(days=1)
    prev = supervision.supervision_tickets(a, "urged", last_month.replace(day=1), last_month)
    assert [t.pk for t in prev] == [month["t5"].pk]


def test_centre_table_and_unit_page(client, people, month):
    client.force_login(people["supervisor"])
    page = client.get("/supervision/").content.decode()
    a = people["staff_a"].unit_id
    assert f'id="unit-{a}"' in page and "签收超时" in page and "办理超期" in page
    page = client.get(f"/supervision/units/{a}/?measure=reopened").content.decode()
    assert month["t3"].number in page and month["t1"].number not in page
    assert client.get("/supervision/?start=2026-13-01").status_code == 400


def test_unit_sees_only_its_own_page(client, people, month):
    a, b = people["staff_a"].unit_id, people["staff_b"].unit_id
    client.force_login(people["staff_a"])
    response = client.get("/supervision/")
    assert response.status_code == 302 and f"/supervision/units/{a}/" in response["Location"]
    assert client.get(f"/supervision/units/{a}/?measure=urged").status_code == 200
    assert client.get(f"/supervision/units/{b}/").status_code == 404
    client.force_login(people["operator"])
    assert client.get("/supervision/").status_code == 403
    client.force_login(people["leader"])  # leaders read the table
    assert client.get("/supervision/").status_code == 200
