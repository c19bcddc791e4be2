"""The agent gets the citizen's progress SMS (receipt, dispatched, result), not the survey; the
citizen can opt the agent out at filing or later by texting QXDB."""
import datetime as dt

import pytest
from django.conf import settings

from agents.models import Filing
from dispatch import timers
from dispatch.models import Survey
from dispatch.services import ticket_dispatch, ticket_reply, ticket_review_approve, ticket_sign
from hotline.models import Ticket, TicketState
from tests.factories import category

from .conftest import CITIZEN

pytestmark = pytest.mark.django_db
AGENT_PHONE = "13903940701"


@pytest.fixture
def serve(committed, supervisor, staff_a, unit_a):
    def run(ticket):
        with committed():
            ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a, category=category())
        with committed():
            ticket_sign(ticket=ticket, actor=staff_a)
        with committed():
            ticket_reply(ticket=ticket, actor=staff_a, text="已派电工更换村口路灯灯泡并检修线路，当晚恢复照明。",
                         confirm_absent_co_units=True)
        if Ticket.objects.get(pk=ticket.pk).state == TicketState.REVIEWING:
            with committed():
                ticket_review_approve(ticket=ticket, actor=supervisor)
        survey = Survey.objects.get(ticket=ticket, state=Survey.State.PENDING)
        due = survey.created_at + dt.timedelta(minutes=settings.HOTLINE_SURVEY_DELAY_MINUTES + 1)
        with committed():
            timers.send_due_surveys(now=due)

    return run


def test_agent_gets_the_same_progress_sms_but_not_the_survey(agent, file_with_code, serve, phone_inbox):
    ticket = file_with_code(agent).ticket
    serve(ticket)
    citizen = phone_inbox(CITIZEN)[1:]  # after the consent code
    copies = phone_inbox(AGENT_PHONE)
    assert len(citizen) == 4 and "请评价" in citizen[-1]
    assert copies == citizen[:3]  # receipt, dispatched, result: word for word
    assert ticket.number in copies[0] and "县住房和城乡建设局" in copies[1] and "恢复照明" in copies[2]
    recipients = list(ticket.events.filter(kind="sms_sent").values_list("payload__recipient", flat=True))
    assert recipients.count("agent") == 3 and recipients.count("citizen") == 4
    labels = set(ticket.events.filter(kind="sms_sent", payload__recipient="agent")
                 .values_list("payload__recipient_label", flat=True))
    assert labels == {"代办员"}


def test_citizen_opts_the_agent_out_at_filing(agent, file_with_code, serve, phone_inbox):
    ticket = file_with_code(agent, notify_agent=False).ticket
    serve(ticket)
    assert phone_inbox(AGENT_PHONE) == []
    assert len(phone_inbox(CITIZEN)) == 5


def test_citizen_opts_the_agent_out_later_by_sms(agent, file_with_code, serve, phone_inbox, text_in):
    ticket = file_with_code(agent).ticket
    assert len(phone_inbox(AGENT_PHONE)) == 1  # the receipt
    message = text_in(CITIZEN, f"QXDB {ticket.number}")
    assert message.intake_state == "done" and not Ticket.objects.exclude(pk=ticket.pk).exists()
    assert "已停止向代办员发送工单" in phone_inbox(CITIZEN)[-1] and ticket.number in phone_inbox(CITIZEN)[-1]
    filing = Filing.objects.get()
    assert not filing.agent_notified and filing.agent_opted_out_at
    assert ticket.events.filter(kind="agent_notices_off").exists()
    serve(ticket)
    assert len(phone_inbox(AGENT_PHONE)) == 1  # nothing more


def test_opt_out_keyword_from_another_number_changes_nothing(agent, file_with_code, phone_inbox, text_in):
    file_with_code(agent)
    text_in("13812349999", "取消代办")
    assert "未找到" in phone_inbox("13812349999")[-1]
    assert Filing.objects.get().agent_notified


def test_opt_out_keyword_without_number_covers_all_the_citizens_filings(agent, other_agent, file_with_code,
                                                                      text_in):
    file_with_code(agent)
    file_with_code(other_agent)
    text_in(CITIZEN, "取消代办")
    assert not Filing.objects.filter(agent_notified=True).exists()


def test_agent_detail_shows_the_opt_out(agent, file_with_code, text_in):
    from django.test import Client

    ticket = file_with_code(agent).ticket
    text_in(CITIZEN, "QXDB")
    client = Client()
    client.force_login(agent)
    page = client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "市民已取消代办员接收" in page and "市民取消代办员进度短信" in page
