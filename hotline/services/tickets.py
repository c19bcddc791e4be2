"""Intake and the transitions the hotline office performs itself."""

import re

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput
from ..events import new_event
from ..models import Category, Channel, Citizen, DailyCounter, RegistrationKey, Role, Ticket, TicketType, Urgency
from ..models.tickets import OPEN_STATES
from ..permissions import HOTLINE_STAFF, require_role
from ..validation import validate_choice, validate_id_number, validate_phone, validate_text
from ..workflow import lock_ticket, record_event, touch, transition
from . import registration

MAX_TITLE = 200
# issue 19: outside filers file in their own name on their own channels only (their account is
# the ticket's created_by, which is what they may later see: dispatch.visibility FILER_ROLES):
# a partner system over Open311 or the REST API, a village agent on 代办.
FILER_CHANNELS = {
    Role.PARTNER: frozenset({Channel.OPEN311, Channel.API}),
    Role.AGENT: frozenset({Channel.AGENT}),
}
TITLE_FROM_CONTENT = 30


def next_ticket_number() -> str:
    """YYMMDD + a 5-digit daily sequence: short enough to read over the phone and type in an SMS.

    One upsert. Called outside the registration's transaction, it commits at once, so
    concurrent registrations do not queue on the counter row until each one commits; a
    registration that fails afterwards leaves a gap in the day's numbers, nothing worse.

    On PostgreSQL that commit does not wait for the disk (synchronous_commit off for this
    one statement): the registration's own commit, which does wait, writes the log up to
    and past it, so no ticket can outlive a crash that loses its number; a crash in between
    loses only a number nobody holds. It saved one disk flush per registration."""
    today = timezone.localdate()
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    source = "VALUES (%s, 1)"
    if connection.vendor == "postgresql":
        source = "SELECT %s::date, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, value) {source} "
            f"ON CONFLICT (day) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [today],
        )
        value = cursor.fetchone()[0]
    return f"{today:%y%m%d}{value:05d}"


def ticket_register(
    *,
    actor=None,
    actor_label: str = "",
    channel: str,
    ticket_type: str,
    content: str,
    citizen_phone: str = "",
    citizen_name: str = "",
    citizen_id_number: str = "",
    title: str = "",
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    area: str = "",
    call_id: str = "",
    is_confidential: bool = False,
    latitude=None,
    longitude=None,
    client_key: tuple[str, str] | None = None,
) -> Ticket:
    """Register a request from any channel. Staff register phone and walk-in requests;
    SMS, web and API intake run as the system (actor=None) with an actor_label.
    `is_confidential`: 保密件 (issue 16 item 8; a 举报 is one anyway): the caller is hidden from
    everyone outside the centre (hotline.privacy)."""
    validate_choice(channel, Channel, field="channel", label="来源渠道")
    filer = actor is not None and channel in FILER_CHANNELS.get(getattr(actor, "role", ""), ())
    if (channel in (Channel.PHONE, Channel.WALK_IN) or actor is not None) and not filer:
        require_role(actor, *HOTLINE_STAFF, what="登记工单")
    validate_choice(ticket_type, TicketType, field="ticket_type", label="诉求类型")
    validate_choice(urgency, Urgency, field="urgency", label="紧急程度")
    content = validate_text(content, field="content", label="诉求内容",
                            max_length=settings.HOTLINE_MAX_TEXT_LENGTH)
    title = validate_text(title, field="title", label="标题", max_length=MAX_TITLE, required=False)
    title = title or content[:TITLE_FROM_CONTENT]
    address = validate_text(address, field="address", label="事发地点", max_length=200, required=False)
    citizen_id_number = validate_id_number(citizen_id_number)
    if citizen_phone:
        citizen_phone = validate_phone(citizen_phone)
    elif channel != Channel.PHONE and actor is None:
        # Intake that runs by itself (SMS, the portal, partners) answers the citizen by SMS, so it
        # needs the number; staff may register a caller who gives none (a letter, an anonymous visit).
        raise InvalidInput("请提供市民联系电话", field="citizen_phone")
    number = next_ticket_number()  # everything is checked: take a number, then write at once
    with transaction.atomic():
        # Found by phone or created as the ticket is written (registration.write: one statement).
        citizen = (Citizen(phone=citizen_phone, name=citizen_name.strip()[:50], id_number=citizen_id_number)
                   if citizen_phone else None)
        ticket = Ticket(
            number=number, channel=channel, ticket_type=ticket_type, urgency=urgency, category=category,
            title=title, content=content, address=address, area=area[:50], citizen=citizen,
            call_id=call_id[:64], created_by=actor, is_confidential=bool(is_confidential),
            latitude=latitude, longitude=longitude,
        )
        payload = {"channel": channel} | ({"confidential": True} if is_confidential else {})
        event = new_event(
            ticket=ticket, kind="register", actor=actor, actor_label=actor_label,
            to_state=ticket.state, payload=payload,
        )
        registration.write(ticket, event)  # on PostgreSQL one statement: the operators' busiest write
        if client_key is not None:  # ticket_register_once: the key commits with its ticket or not at all
            RegistrationKey.objects.create(actor=actor, key=client_key[0], digest=client_key[1], ticket=ticket)
    return ticket


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")


def ticket_register_once(*, actor, key: str, digest: str, **fields) -> tuple[Ticket, bool]:
    """ticket_register for a client that may send the same request again (an Idempotency-Key,
    with `digest` the request's hash): the first request registers (True); the same key again,
    even at the same moment, gives back that ticket (False). The same key with another request
    is 409 idempotency_key_reused: answering it with the first ticket would hide a citizen."""
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidInput("Idempotency-Key 须为 1 至 100 个可见 ASCII 字符", field="Idempotency-Key")
    earlier = _registered_under(actor=actor, key=key, digest=digest)
    if earlier is not None:
        return earlier, False
    try:
        return ticket_register(actor=actor, client_key=(key, digest), **fields), True
    except IntegrityError:  # the same key twice at once: the other request's ticket stands
        earlier = _registered_under(actor=actor, key=key, digest=digest)
        if earlier is None:
            raise
        return earlier, False


def _registered_under(*, actor, key: str, digest: str) -> Ticket | None:
    earlier = RegistrationKey.objects.filter(actor=actor, key=key).select_related("ticket").first()
    if earlier is None:
        return None
    if earlier.digest != digest:
        raise Conflict("该 Idempotency-Key 已用于另一份登记请求，请为新的登记换一个键",
                       code="idempotency_key_reused", field="Idempotency-Key")
    return earlier.ticket


@transaction.atomic
def ticket_answer_directly(*, ticket: Ticket, actor, answer: str) -> Ticket:
    """The operator answers a consultation on the spot and closes the ticket (直接答复)."""
    require_role(actor, *HOTLINE_STAFF, what="直接答复")
    answer = validate_text(answer, field="answer", label="答复内容", max_length=settings.HOTLINE_MAX_TEXT_LENGTH)
    now = timezone.now()
    return transition(
        ticket=ticket, action="answer_directly", actor=actor, payload={"answer": answer},
        changes={"direct_answer": answer, "closed_by_hotline": True, "closed_at": now, "closed_on_time": True},
    )


@transaction.atomic
def ticket_add_followup(*, ticket: Ticket, text: str, actor=None, actor_label: str = "市民") -> Ticket:
    """A citizen adds to an open ticket (a follow-up SMS, a second call)."""
    text = validate_text(text, field="text", label="补充内容", max_length=settings.HOTLINE_MAX_TEXT_LENGTH)
    locked = lock_ticket(ticket.pk)
    if locked.state not in OPEN_STATES:
        raise Conflict("工单已结束，不能补充内容")
    combined = f"{locked.content}\n【补充】{text}"
    if len(combined) <= settings.HOTLINE_MAX_TEXT_LENGTH * 2:
        locked.content = combined
        touch(locked, "content")
    record_event(ticket=locked, kind="followup", actor=actor, actor_label=actor_label, payload={"text": text})
    return locked


def role_label(role: str) -> str:
    return Role(role).label
