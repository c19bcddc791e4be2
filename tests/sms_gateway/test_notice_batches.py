"""The outbox's drain hands the SMS notices a batch of events: they go out set-based (the same
statements for twenty registrations as for one), each once, and one refused notice or opted-out
number does not hold up the rest of its batch."""
import re
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from dispatch.services import ticket_dispatch
from hotline import notify
from hotline.models import Category, Citizen, TicketEvent
from hotline.services.tickets import ticket_register
from sms_gateway.models import Message, MessagePart, SmsTemplate
from sms_gateway.ticket_sms import on_ticket_events

pytestmark = pytest.mark.django_db


def register_quietly(operator, count: int, *, first_phone: int = 13800000000) -> list[TicketEvent]:
    """Tickets whose register events are written but not yet delivered (as the outbox holds them)."""
    with notify.muted():
        tickets = [ticket_register(actor=operator, channel="phone", ticket_type="complaint",
                                   content=f"路灯不亮第{i}处", citizen_phone=str(first_phone + i),
                                   category=Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施"))
                   for i in range(count)]
    return list(TicketEvent.objects.filter(ticket__in=tickets, kind="register").order_by("id")
                .select_related("ticket__citizen", "ticket__lead_unit"))


def statements(events) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        on_ticket_events(events)
    # What each statement does and to which table (savepoint names differ from run to run).
    tail = re.compile(r"\s+(VALUES|WHERE|IN|SET|SELECT \* FROM UNNEST)\b.*", flags=re.S)
    return [re.sub(r'"s\d+_x\d+"', "sp", tail.sub("", q["sql"])) for q in queries.captured_queries]


def test_twenty_receipts_take_the_statements_of_one(operator, phone_inbox):
    one = statements(register_quietly(operator, 1))
    twenty_events = register_quietly(operator, 20, first_phone=13900000100)
    twenty = statements(twenty_events)
    assert len(one) <= 12 and twenty == one  # a query per kind of thing, not per message
    for event in twenty_events:
        [text] = phone_inbox(event.ticket.citizen.phone)
        assert event.ticket.number in text
        [line] = event.ticket.events.filter(kind="sms_sent").values_list("payload", flat=True)
        assert line["template"] == "citizen_receipt" and line["to"].startswith(event.ticket.citizen.phone[:3])


def test_a_batch_delivered_twice_sends_each_notice_once(operator, phone_inbox):
    events = register_quietly(operator, 5)
    on_ticket_events(events)
    on_ticket_events(events + events)  # again, and each event twice in one batch
    assert [len(phone_inbox(e.ticket.citizen.phone)) for e in events] == [1] * 5
    assert TicketEvent.objects.filter(kind="sms_sent").count() == 5


def test_an_opted_out_citizen_is_skipped_and_the_rest_of_the_batch_is_sent(operator, phone_inbox):
    events = register_quietly(operator, 3)
    Citizen.objects.filter(phone=events[1].ticket.citizen.phone).update(sms_opt_out=True)
    on_ticket_events(events)
    assert [len(phone_inbox(e.ticket.citizen.phone)) for e in events] == [1, 0, 1]
    assert not events[1].ticket.events.filter(kind="sms_sent").exists()


def test_a_refused_notice_does_not_stop_the_other_notices_of_its_batch(operator, supervisor, unit_a, phone_inbox,
                                                                       caplog):
    # An empty receipt text (written past the admin's check) is refused; the dispatch notices
    # in the same batch still go.
    SmsTemplate.objects.filter(key="citizen_receipt").update(text="   ")
    [register] = register_quietly(operator, 1)
    with notify.muted():
        ticket_dispatch(ticket=register.ticket, actor=supervisor, lead_unit=unit_a)
    # Read as the drain reads them, after both were written.
    events = notify.load_events([register.pk, register.ticket.events.get(kind="dispatch").pk])
    on_ticket_events(list(events.values()))
    citizen_texts = phone_inbox(register.ticket.citizen.phone)
    assert len(citizen_texts) == 1 and unit_a.name in citizen_texts[0]  # 已转交…办理, no receipt
    assert "主办" in phone_inbox(unit_a.head_phone)[0]
    assert "citizen_receipt" in caplog.text and "refused" in caplog.text


def test_smpp_parts_are_written_for_every_message_of_a_batch(operator, settings):
    settings.SMS_TRANSPORT = "smpp"
    events = register_quietly(operator, 4)
    on_ticket_events(events)
    messages = Message.objects.filter(ticket__in=[e.ticket for e in events])
    assert messages.count() == 4 and set(messages.values_list("status", flat=True)) == {"queued"}
    assert MessagePart.objects.filter(message__in=messages, seq=1, state="queued").count() == 4


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_batch_at_once_send_each_notice_once(operator):
    """The second worker's dedupe query cannot see the first one's uncommitted messages: its
    INSERT waits on the unique key, fails when the first commits, and falls back to one message
    at a time, finding each already queued."""
    events = register_quietly(operator, 3)
    first_inserted, second_started = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                on_ticket_events(events)
                first_inserted.set()
                second_started.wait(10)
                threading.Event().wait(0.5)  # the second is now blocked on the unique key
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def second():
        try:
            first_inserted.wait(10)
            second_started.set()
            on_ticket_events(events)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    tickets = [e.ticket for e in events]
    assert Message.objects.filter(ticket__in=tickets).count() == 3
    assert TicketEvent.objects.filter(ticket__in=tickets, kind="sms_sent").count() == 3
