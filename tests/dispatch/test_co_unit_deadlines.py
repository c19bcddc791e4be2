"""Issue 16 item 6: co-units' own deadlines and lights, shown in their inbox and on the ticket
page, and the lead's reply recording each co-unit's part (answered with its words, or absent)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch import services as d
from dispatch.deadlines import light_at
from dispatch.models import Assignment
from hotline.clock import frozen_at
from hotline.models import Light, Ticket, TicketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
CO_OPINION = "交通局已在塌陷路段设置围挡和警示标志，并安排专人巡查，待住建局修复后撤除。"


@pytest.fixture
def web():
    from django.test import Client

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    return client_for


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def co_part(ticket) -> Assignment:
    return Assignment.objects.get(ticket=ticket, role=Assignment.Role.CO)


def test_a_co_unit_answers_two_working_days_before_the_lead(people):
    with frozen_at(at(2026, 11, 2, 10, 0)):  # a Monday
        ticket = f.dispatched(people)  # a complaint: 10 working days
    assert ticket.due_at == at(2026, 11, 16, 23, 59, 59)
    part = co_part(ticket)
    assert part.due_at == at(2026, 11, 12, 23, 59, 59)  # Thursday: two working days before Monday the 16th
    assert at(2026, 11, 2, 10, 0) < part.warn_at < part.due_at
    dispatch = TicketEvent.objects.get(ticket=ticket, kind="dispatch")
    assert dispatch.payload["co_due_at"].startswith("2026-11-12T23:59:59")


def test_a_short_limit_keeps_the_co_units_minimum(people):
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.dispatched(people, ticket_type="consultation")  # 3 working days: due Thursday
    assert ticket.due_at == at(2026, 11, 5, 23, 59, 59)
    assert co_part(ticket).due_at == at(2026, 11, 3, 23, 59, 59)  # not before the end of the first working day


def test_the_lead_time_is_a_setting(people, settings):
    settings.HOTLINE_CO_UNIT_LEAD_TIME_WORKING_DAYS = 0
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.dispatched(people)
    assert co_part(ticket).due_at == ticket.due_at


def test_an_urgent_co_unit_answers_by_the_leads_yellow_time(people):
    from dispatch.models import ApprovalPolicy

    ApprovalPolicy.objects.all().delete()  # urgent tickets go to a leader first by default
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.dispatched(people, urgency="urgent")
    assert co_part(ticket).due_at == ticket.warn_at < ticket.due_at


def test_the_co_units_light_is_its_own_in_its_inbox_and_on_the_page(web, people):
    with frozen_at(at(2026, 11, 2, 10, 0)):
        ticket = f.dispatched(people)
    part = co_part(ticket)
    # Past the co-unit's deadline, before the lead's: red for the co-unit, the ticket still green for the lead.
    moment = part.due_at + dt.timedelta(hours=10)
    assert light_at(ticket.due_at, ticket.warn_at, moment) != Light.RED
    with frozen_at(moment):
        inbox = web(people["staff_b"]).get("/unit/?light=red").content.decode()
        assert ticket.number in inbox and "本单位时限 2026-11-12 23:59" in inbox
        assert ticket.number not in web(people["staff_b"]).get("/unit/?light=green").content.decode()
        assert ticket.number not in web(people["staff_a"]).get("/unit/?light=red").content.decode()
        page = web(people["staff_b"]).get(f"/unit/tickets/{ticket.pk}/").content.decode()
        assert 'id="my-due"' in page and "2026-11-12 23:59" in page
        office = web(people["supervisor"]).get(f"/tickets/{ticket.pk}/").content.decode()
        assert "本单位时限 11-12 23:59" in office
        detail = web(people["staff_b"]).get(f"/api/tickets/{ticket.pk}/").json()
    [co] = [a for a in detail["assignments"] if a["role"] == "co"]
    assert co["light"] == "red" and co["due_at"].startswith("2026-11-12T23:59:59")


def test_the_leads_reply_records_each_co_units_part(people, unit_b, unit_c):
    ticket = f.registered(people)
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit,
                      co_units=[unit_b, unit_c])
    d.ticket_sign(ticket=ticket, actor=people["staff_a"])
    d.ticket_sign(ticket=ticket, actor=people["staff_b"])
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text=CO_OPINION)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text="塌陷路面已修复并验收，围挡已撤除。",
                   confirm_absent_co_units=True)
    payload = TicketEvent.objects.get(ticket=ticket, kind__in=["reply", "reply_for_review"]).payload
    answered, absent = payload["co_parts"]
    assert answered["unit"] == unit_b.name and answered["answered"] and answered["on_time"] is True
    assert answered["excerpt"].startswith("交通局已在塌陷路段设置围挡")
    assert absent == {"unit": unit_c.name, "unit_id": unit_c.pk, "answered": False, "excerpt": "", "on_time": None}
    assert payload["absent_co_units"] == [unit_c.name]
    assert payload["answered_co_units"][0].startswith(f"{unit_b.name}：交通局已在")


def test_the_inbox_costs_the_same_queries_however_many_co_and_sub_parts_it_shows(web, people):
    client = web(people["staff_b"])
    f.dispatched(people)
    client.get("/unit/")  # the unit tree is remembered after the first request
    with CaptureQueriesContext(connection) as one:
        assert client.get("/unit/").status_code == 200
    for _ in range(6):
        f.dispatched(people)
    d.ticket_dispatch(ticket=f.registered(people), actor=people["supervisor"], lead_unit=people["staff_b"].unit)
    with CaptureQueriesContext(connection) as eight:
        html = client.get("/unit/").content.decode()
    assert html.count("/unit/tickets/") >= 8
    assert len(one) == len(eight)
    assert Ticket.objects.count() == 8
