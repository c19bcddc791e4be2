"""A registration's rows are the same whichever way they are written: one statement on
PostgreSQL (hotline.services.registration.write_in_one_statement) or the ORM elsewhere."""
import datetime as dt

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from hotline import notify, outbox
from hotline.clock import frozen_at
from hotline.events import new_event
from hotline.models import Category, Citizen, EventOutbox, Ticket, TicketEvent
from hotline.services import registration

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_too]

MOMENT = dt.datetime(2026, 10, 9, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's (SQLite has no INSERT inside WITH)")


@pytest.fixture
def recorded():
    """Events handed to the notification subscribers, in place of the real ones."""
    saved = notify.subscribers()
    for name in saved:
        notify.unsubscribe(name)
    seen: list[int] = []
    notify.subscribe("test.recorder", notify.each(lambda event: seen.append(event.pk)))
    yield seen
    notify.unsubscribe("test.recorder")
    for name, subscriber in saved.items():
        notify.subscribe(name, subscriber)


@pytest.fixture
def deferred_to_the_outbox():
    outbox.defer_notifications()
    yield
    notify.defer_to(None)


def register(write, operator, number: str, *, phone="13912345678", name="王先生") -> tuple[Ticket, TicketEvent]:
    with frozen_at(MOMENT), transaction.atomic():
        citizen = Citizen(phone=phone, name=name)  # found by phone or created by write()
        ticket = Ticket(number=number, channel="phone", ticket_type="complaint", urgency="urgent",
                        category=Category.objects.order_by("pk").first(), title="夜间施工噪音",
                        content="幸福小区旁工地每晚11点后仍在施工，电话 13912345678", address="幸福路1号",
                        area="城关镇", citizen=citizen, call_id="call-7", created_by=operator)
        event = new_event(ticket=ticket, kind="register", actor=operator, to_state=ticket.state,
                          payload={"channel": "phone", "note": "夜间"})
        write(ticket, event)
    return ticket, event


def stored(model, pk, *, leave_out=("id",)) -> dict:
    row = model_to_dict(model.objects.get(pk=pk))
    for concrete in model._meta.concrete_fields:  # model_to_dict skips the non-editable ones
        row[concrete.attname] = getattr(model.objects.get(pk=pk), concrete.attname)
    return {name: value for name, value in row.items() if name not in leave_out}


def test_both_paths_write_the_same_ticket_and_event(operator, recorded):
    by_orm, orm_event = register(registration.write_through_orm, operator, "26100900001")
    by_sql, sql_event = register(registration.write_in_one_statement, operator, "26100900002")

    assert by_sql.pk and sql_event.pk and sql_event.ticket_id == by_sql.pk
    orm_row, sql_row = stored(Ticket, by_orm.pk), stored(Ticket, by_sql.pk)
    assert orm_row.pop("number") == "26100900001" and sql_row.pop("number") == "26100900002"
    assert sql_row == orm_row
    assert sql_row["created_at"] == sql_row["state_changed_at"] == MOMENT
    assert sql_row["state"] == "registered" and sql_row["version"] == 1
    orm_event_row = stored(TicketEvent, orm_event.pk, leave_out=("id", "ticket", "ticket_id"))
    assert stored(TicketEvent, sql_event.pk, leave_out=("id", "ticket", "ticket_id")) == orm_event_row
    assert orm_event_row["actor_label"] == str(operator) and orm_event_row["payload"]["note"] == "夜间"
    # In-process delivery (no deferrer): each event reaches the subscribers once, after commit.
    assert recorded == [orm_event.pk, sql_event.pk]
    # The instances handed back read as saved ones.
    assert not by_sql._state.adding and Ticket.objects.get(pk=by_sql.pk).citizen_id == by_sql.citizen_id


def test_deferred_the_outbox_row_is_written_in_the_same_statement(operator, recorded, deferred_to_the_outbox):
    _, orm_event = register(registration.write_through_orm, operator, "26100900003")
    with CaptureQueriesContext(connection) as statements, transaction.atomic():
        ticket = Ticket(number="26100900004", channel="web", ticket_type="help", title="路灯不亮",
                        content="幸福小区3栋门口路灯坏了一周")
        event = new_event(ticket=ticket, kind="register", to_state=ticket.state)
        registration.write_in_one_statement(ticket, event)
    written = [q["sql"] for q in statements.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(written) == 1 and "dispatch_eventoutbox" in written[0]
    rows = list(EventOutbox.objects.order_by("pk").values_list("event_ids", flat=True))
    assert rows == [[orm_event.pk], [event.pk]]  # the same row the ORM path queues
    assert recorded == []  # queued for the worker, not delivered here
    delivered = outbox.drain()
    assert delivered == 2 and recorded == [orm_event.pk, event.pk]


def test_muted_nothing_is_queued_or_delivered(operator, recorded, deferred_to_the_outbox):
    with notify.muted():
        register(registration.write_in_one_statement, operator, "26100900005")
    assert not EventOutbox.objects.exists() and recorded == []


def test_a_failed_statement_leaves_nothing_behind(operator, recorded):
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (the database's own error)
        ticket = Ticket(number="x" * 40, channel="phone", ticket_type="help", title="t", content="c")
        registration.write_in_one_statement(ticket, new_event(ticket=ticket, kind="register"))
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists() and recorded == []


@pytest.mark.parametrize("path", ["write_through_orm", "write_in_one_statement"])
def test_the_caller_is_stored_once_and_a_known_callers_name_is_kept(operator, recorded, path):
    write = getattr(registration, path)
    first, _ = register(write, operator, "26100900011", phone="13700000001", name="")
    assert first.citizen.pk and first.citizen.name == ""
    named, _ = register(write, operator, "26100900012", phone="13700000001", name="李女士")
    renamed, _ = register(write, operator, "26100900013", phone="13700000001", name="张先生")
    assert first.citizen.pk == named.citizen.pk == renamed.citizen.pk
    assert (named.citizen.name, renamed.citizen.name) == ("李女士", "李女士")  # a name given once stays
    assert Citizen.objects.filter(phone="13700000001").count() == 1
    assert set(Ticket.objects.filter(number__startswith="2610090001").values_list("citizen_id", flat=True)) == {
        first.citizen.pk}
    Citizen.objects.filter(pk=first.citizen.pk).update(sms_opt_out=True)
    again, _ = register(write, operator, "26100900014", phone="13700000001", name="")
    assert again.citizen.sms_opt_out and again.citizen.name == "李女士"  # the stored row, as read back


def test_two_first_registrations_of_one_new_number_at_once_share_one_citizen(operator):
    """The second waits on the first's uncommitted citizen row; when it commits, ON CONFLICT
    takes that row, and both tickets point at it."""
    from tests.concurrency import at_once, unexpected

    numbers = ["26100900021", "26100900022"]

    def attempt(number):
        return lambda: register(registration.write_in_one_statement, operator, number, phone="13600000002",
                                name="")[0]

    tickets = at_once(*[attempt(n) for n in numbers])
    assert not unexpected(tickets), tickets
    [citizen] = Citizen.objects.filter(phone="13600000002")
    assert {t.citizen_id for t in tickets} == {citizen.pk}
    assert Ticket.objects.filter(number__in=numbers, citizen=citizen).count() == 2
