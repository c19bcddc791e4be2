"""Reports by agent (filed / open / closed / satisfied for a period) and the channel 代办 in the
existing channel breakdown."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from agents.models import Filing
from agents.selectors import agent_report
from agents.services import agent_file
from dispatch.models import Survey
from dispatch.services import survey_record, ticket_mark_invalid
from reports import kpis, rollup
from reports.kpis import Filters

from .conftest import filing_input

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the grouped counts, on both


def attested(agent, committed, **changes):
    with committed():
        return agent_file(agent=agent, data=filing_input(
            consent="attestation", attested=True, attestation_note="当面确认", **changes)).ticket


@pytest.fixture
def filed(agent, other_agent, committed, supervisor, staff_a, unit_a):
    from dispatch import timers
    from dispatch.services import ticket_dispatch, ticket_reply, ticket_review_approve, ticket_sign
    from tests.factories import category

    closed = attested(agent, committed)
    with committed():
        ticket_dispatch(ticket=closed, actor=supervisor, lead_unit=unit_a, category=category())
        ticket_sign(ticket=closed, actor=staff_a)
        ticket_reply(ticket=closed, actor=staff_a, text="已派电工更换村口路灯灯泡并检修线路，当晚恢复照明。",
                     confirm_absent_co_units=True)
    if Survey.objects.filter(ticket=closed).count() == 0:
        with committed():
            ticket_review_approve(ticket=closed, actor=supervisor)
    timers.send_due_surveys(now=timezone.now() + dt.timedelta(days=1))
    survey_record(ticket=closed, result=Survey.Result.SATISFIED, actor_label="市民短信")
    invalid = attested(agent, committed)
    ticket_mark_invalid(ticket=invalid, actor=supervisor, reason="重复反映，已在另一工单办理")
    attested(agent, committed)  # open
    attested(other_agent, committed)  # open
    old = attested(other_agent, committed)  # its filing moved two months back: outside a week's report
    Filing.objects.filter(ticket=old).update(created_at=timezone.now() - dt.timedelta(days=60))
    return closed


def test_by_agent_numbers(filed, agent, other_agent):
    today = timezone.localdate()
    rows = {r.profile.user.username: (r.filed, r.open, r.closed, r.satisfied)
            for r in agent_report(date_from=today - dt.timedelta(days=7), date_to=today)}
    assert rows == {"agent_hd": (3, 1, 1, 1), "agent_lc": (1, 1, 0, 0)}
    longer = {r.profile.user.username: r.filed
              for r in agent_report(date_from=today - dt.timedelta(days=90), date_to=today)}
    assert longer == {"agent_hd": 3, "agent_lc": 2}


def test_report_page_for_the_centre_and_leaders(filed, supervisor, leader, operator, staff_a, agent):
    today = timezone.localdate()
    for user in (supervisor, leader, operator):
        client = Client()
        client.force_login(user)
        page = client.get(f"/agent/report/?date_from={today - dt.timedelta(days=7)}&date_to={today}")
        text = page.content.decode()
        assert page.status_code == 200 and "代办员代办统计" in text
        assert 'data-agent="agent_hd"><td>槐店镇</td><td>王庄村</td>' in text
        assert '<td class="filed">3</td><td class="open">1</td><td class="closed">1</td><td class="satisfied">1</td>' \
            in text
    for user in (staff_a, agent):
        client = Client()
        client.force_login(user)
        assert client.get("/agent/report/").status_code == 403


def test_bad_period_falls_back_to_this_month(filed, supervisor):
    client = Client()
    client.force_login(supervisor)
    page = client.get("/agent/report/?date_from=not-a-date")
    assert page.status_code == 200 and "代办员代办统计" in page.content.decode()


def test_channel_breakdown_names_agent_filings(filed):
    rollup.refresh()
    today = timezone.localdate()
    channels = {r["label"]: r["received"] for r in kpis.breakdown(Filters(start=today, end=today), "channel")}
    assert channels.get("代办") == 5  # the tickets were all registered today (one filing dated back)


def test_reports_menu_links_the_agent_report(supervisor, db):
    client = Client()
    client.force_login(supervisor)
    assert 'href="/agent/report/"' in client.get("/reports/").content.decode()
