"""Building tickets in any state and at any time, for report tests.

Reports read what the workflow wrote, so these helpers set the same columns the
services set, with chosen timestamps (the services always use "now")."""
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from dispatch.models import Survey
from hotline.models import Citizen, Ticket, TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(text: str) -> dt.datetime:
    """'2025-03-03 09:00' in Shanghai time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def make_ticket(*, created: str, channel="phone", ticket_type="complaint", state="registered",
                title="路灯不亮", content="某小区门口路灯不亮已经一周", phone="", name="",
                surveys=(), **fields) -> Ticket:
    citizen = None
    if phone:
        citizen, _ = Citizen.objects.get_or_create(phone=phone, defaults={"name": name})
    ticket = Ticket.objects.create(
        number=f"T{next(_numbers):08d}", channel=channel, ticket_type=ticket_type, state=state,
        title=title, content=content, citizen=citizen, **fields,
    )
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(created))
    TicketEvent.objects.create(ticket=ticket, kind="register", to_state=state)
    for result, resolved in surveys:
        Survey.objects.create(
            ticket=ticket, state="answered" if result else "pending", result=result or "", resolved=resolved,
        )
    ticket.refresh_from_db()
    return ticket
