"""A ticket filed over Open311 is an ordinary ticket: the citizen gets the receipt SMS, the
centre dispatches it, the unit replies, the callback closes it; GET then shows it closed with
the reply as status_notes (scrubbed), the lead unit and the deadline."""
import pytest

from dispatch import services as d
from hotline.models import Ticket
from sms_gateway.models import Direction, Message

from .conftest import PHONE, street_report

pytestmark = pytest.mark.django_db

REPLY = "已更换路口损坏的路灯灯具并恢复照明，经现场复核夜间照明正常，如有问题请联系13900001111。"


def test_filed_over_open311_flows_to_closing(session_a, street, people, committed):
    with committed():
        created = session_a.post("requests", "post_requests", street_report(street))
    number = created.body[0]["service_request_id"]
    receipts = Message.objects.exclude(direction=Direction.INBOUND).filter(to_number=PHONE)
    assert [m for m in receipts.values_list("body", flat=True) if number in m], "no receipt SMS"

    ticket = Ticket.objects.get(number=number)
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit)
    [dispatched] = session_a.get(f"requests/{number}", "service_requests").body
    assert dispatched["status"] == "open" and dispatched["agency_responsible"] == people["staff_a"].unit.name
    assert dispatched["expected_datetime"] and dispatched["expected_datetime"].endswith("+08:00")

    d.ticket_sign(ticket=ticket, actor=people["staff_a"])
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=REPLY)
    d.survey_record(ticket=Ticket.objects.get(pk=ticket.pk), result="satisfied", actor=people["operator"])
    assert Ticket.objects.get(pk=ticket.pk).state == "closed"

    [closed] = session_a.get(f"requests/{number}", "service_requests").body
    assert closed["status"] == "closed"
    assert "已更换路口损坏的路灯灯具" in closed["status_notes"] and "13900001111" not in closed["status_notes"]
    assert [r["service_request_id"] for r in session_a.get("requests", "service_requests", status="closed").body] \
        == [number]


def test_retention_takes_the_submitters_email_with_the_ticket(session_a, street, people, committed):
    """pii_retention anonymises an old closed ticket; the daily Open311 retention then drops the
    submitter's e-mail kept beside it, and leaves the e-mail of a ticket not yet anonymised."""
    import datetime as dt

    from django.utils import timezone

    from hotline.services.pii import tickets_anonymise
    from hotline.services.tickets import ticket_answer_directly
    from open311.models import ServiceRequest
    from open311.tasks import retention

    with committed():
        old = session_a.post("requests", "post_requests", street_report(street) | {"email": "li@example.cn"})
        new = session_a.post("requests", "post_requests", street_report(street) | {"email": "wang@example.cn"})
    old_ticket = Ticket.objects.get(number=old.body[0]["service_request_id"])
    ticket_answer_directly(ticket=old_ticket, actor=people["operator"], answer="已答复：路灯由城管局负责维修。")
    Ticket.objects.filter(pk=old_ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    assert tickets_anonymise(days=365)["tickets"] == 1
    assert retention() == 1
    emails = dict(ServiceRequest.objects.values_list("ticket__number", "email"))
    assert emails == {old.body[0]["service_request_id"]: "", new.body[0]["service_request_id"]: "wang@example.cn"}
    assert retention() == 0  # idempotent
