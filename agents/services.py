"""Writes of the village agents' app (docs/AGENTS.md): profiles, the citizen's consent, filing a
ticket for a citizen, and the citizen stopping the agent's copies of the progress SMS."""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from hardening.ratelimit import window_count
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Channel, Role, TicketType, Unit, User
from hotline.permissions import require_role
from hotline.privacy import mask_phone
from hotline.services.tickets import ticket_register
from hotline.validation import validate_choice, validate_phone, validate_text
from hotline.workflow import record_event
from photos.services import photos_add, photos_prepare
from sms_gateway import codec
from sms_gateway.models import Direction
from sms_gateway.services import SmsError, sms_send
from sms_gateway.texts import render
from sms_gateway.ticket_sms import template_for

from .models import AgentProfile, ConsentCode, ConsentKind, Filing

CODE_MINUTES = 10
MAX_ATTEMPTS = 5  # wrong codes before a code is void
MAX_SENDS = 3  # codes to one number by one agent per hour
SEND_WINDOW_SECONDS = 3600


def _limits() -> tuple[int, int, int]:
    return (getattr(settings, "AGENT_CONSENT_CODE_MINUTES", CODE_MINUTES),
            getattr(settings, "AGENT_CONSENT_MAX_ATTEMPTS", MAX_ATTEMPTS),
            getattr(settings, "AGENT_CONSENT_MAX_SENDS", MAX_SENDS))


def town_names() -> list[str]:
    """The county's towns (units of kind town): a ticket's `area` is one of them."""
    return list(Unit.objects.filter(kind=Unit.Kind.TOWN).order_by("path").values_list("name", flat=True))


@transaction.atomic
def agent_profile_save(*, actor: User | None, user: User, village: str, town: str,
                       is_active: bool = True) -> AgentProfile:
    """The centre admin ties an agent to a village and its town (actor None: the demo seed).
    The AGENT role itself is given by the security administrator (hotline.services.accounts)."""
    if actor is not None:
        require_role(actor, Role.ADMIN, what="维护代办员")
    if user.role != Role.AGENT:
        raise InvalidInput("该账号不是代办员角色，请先由安全管理员分配“代办员”角色", field="user")
    village = validate_text(village, field="village", label="村（社区）", max_length=50)
    town = (town or "").strip()
    if town not in town_names():
        raise InvalidInput("请选择本县的镇（街道）", field="town")
    profile, _ = AgentProfile.objects.update_or_create(
        user=user, defaults={"village": village, "town": town, "is_active": is_active})
    return profile


def agent_profile_of(agent: User) -> AgentProfile:
    """The signed-in agent's profile: an agent without one (or not on duty) may not file."""
    require_role(agent, Role.AGENT, what="代办诉求")
    profile = AgentProfile.objects.filter(user=agent, is_active=True).first()
    if profile is None:
        raise NotAllowed("您的代办员信息尚未登记（所属村居），请联系热线中心管理员")
    return profile


def _hash(code_id: int, code: str) -> str:
    return salted_hmac("agents.consent", f"{code_id}:{code}").hexdigest()


def _mobile(raw: str) -> str:
    phone = validate_phone(raw)
    if not codec.is_mobile(phone):
        raise InvalidInput("短信验证需要市民的手机号码；市民没有手机时请选择“代办员承诺”", field="citizen_phone")
    return phone


def consent_code_send(*, agent: User, citizen_phone: str) -> ConsentCode:
    """Send a fresh 6-digit code to the citizen's phone (the earlier ones stop counting).
    At most MAX_SENDS an hour for one agent and number."""
    profile = agent_profile_of(agent)
    if not (citizen_phone or "").strip():
        raise InvalidInput("请先填写市民手机号码，再发送验证码", field="citizen_phone")
    phone = _mobile(citizen_phone)
    minutes, _attempts, max_sends = _limits()
    sends, _start = window_count("agent_consent_send", f"{agent.pk}:{phone}", window_seconds=SEND_WINDOW_SECONDS)
    if sends > max_sends:
        raise InvalidInput(f"向该号码发送验证码已达{max_sends}次，请稍后再试，或改用“代办员承诺”", field="code")
    template = template_for("agent_consent_code")
    if template is None:
        raise InvalidInput("短信验证暂不可用，请改用“代办员承诺”", field="consent")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        now = timezone.now()
        ConsentCode.objects.filter(agent=agent, phone=phone, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now)
        consent = ConsentCode.objects.create(agent=agent, phone=phone, code_hash="-",
                                             expires_at=now + timedelta(minutes=minutes))
        consent.code_hash = _hash(consent.pk, code)
        consent.save(update_fields=["code_hash"])
        body = render(template[0], {"agent": agent.display_name or agent.username, "village": profile.village,
                                    "code": code, "minutes": minutes})
        try:
            sms_send(to=phone, body=body, kind="agent_consent_code", direction=Direction.OUTBOUND_API)
        except SmsError as exc:
            raise InvalidInput(f"验证码短信发送失败：{exc}", field="citizen_phone") from None
    return consent


def _verify_code(*, agent: User, phone: str, code: str) -> ConsentCode:
    """The latest live code for this agent and number, checked; marked used on success."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput("请输入市民收到的6位验证码", field="code")
    now = timezone.now()
    consent = (ConsentCode.objects.select_for_update()
               .filter(agent=agent, phone=phone, used_at__isnull=True).order_by("-created_at").first())
    if consent is None:
        raise InvalidInput("尚未向该号码发送验证码，请先点击“发送验证码”", field="code")
    if consent.expires_at <= now:
        raise InvalidInput("验证码已过期，请重新发送", field="code")
    _minutes, max_attempts, _sends = _limits()
    attempts, _start = window_count("agent_consent_verify", str(consent.pk), window_seconds=24 * 3600)
    if attempts > max_attempts:
        raise InvalidInput("验证码错误次数过多，请重新发送验证码", field="code")
    if not (len(code) == 6 and code.isdigit() and constant_time_compare(consent.code_hash, _hash(consent.pk, code))):
        left = max_attempts - attempts
        raise InvalidInput(f"验证码不正确，还可尝试{left}次" if left else "验证码错误次数过多，请重新发送验证码",
                           field="code")
    consent.used_at = now
    consent.save(update_fields=["used_at"])
    return consent


@dataclass(frozen=True)
class FilingInput:
    """What the agent typed on the phone page."""

    citizen_name: str
    citizen_phone: str
    content: str
    ticket_type: str
    address: str
    consent: str
    code: str = ""
    attested: bool = False
    attestation_note: str = ""
    notify_agent: bool = True


def agent_file(*, agent: User, data: FilingInput, photos=()) -> Filing:
    """Register a ticket for a citizen (channel 代办, created_by the agent, area the agent's town)
    once the citizen's consent is shown: the SMS code they received, or the agent's attestation
    where they have no phone. Everything typed is checked before a code attempt is spent."""
    profile = agent_profile_of(agent)
    name = validate_text(data.citizen_name, field="citizen_name", label="市民姓名", max_length=50)
    phone = validate_phone(data.citizen_phone) if (data.citizen_phone or "").strip() else ""
    content = validate_text(data.content, field="content", label="诉求内容",
                            max_length=settings.HOTLINE_MAX_TEXT_LENGTH)
    validate_choice(data.ticket_type, TicketType, field="ticket_type", label="诉求类型")
    address = validate_text(data.address, field="address", label="村内地点", max_length=150, required=False)
    validate_choice(data.consent, ConsentKind, field="consent", label="市民同意方式")
    note = ""
    if data.consent == ConsentKind.SMS_CODE:
        if not phone:
            raise InvalidInput("短信验证需要市民的手机号码", field="citizen_phone")
        phone = _mobile(phone)
    else:
        if not data.attested:
            raise InvalidInput("请勾选承诺：已当面征得市民同意代为反映", field="attested")
        note = validate_text(data.attestation_note, field="attestation_note", label="承诺说明", max_length=300)
    prepared = photos_prepare(photos)  # a bad photo is refused before the code is spent
    label = f"代办员{agent.display_name or agent.username}（{profile.village}）"
    with transaction.atomic():
        verified = _verify_code(agent=agent, phone=phone, code=data.code) if data.consent == ConsentKind.SMS_CODE \
            else None
        ticket = ticket_register(
            actor=agent, actor_label=label, channel=Channel.AGENT, ticket_type=data.ticket_type, content=content,
            citizen_phone=phone, citizen_name=name, address=f"{profile.town}{profile.village}{address}",
            area=profile.town,
        )
        if connection.vendor == "postgresql":
            # next_ticket_number turned synchronous_commit off for the rest of *this* transaction (it
            # expects to run in its own): the filing's commit must wait for the disk as a registration's does.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO DEFAULT")
        filing = Filing.objects.create(
            agent=agent, ticket=ticket, village=profile.village, town=profile.town, consent=data.consent,
            code_verified_at=verified.used_at if verified else None, attestation=note,
            agent_notified=bool(data.notify_agent),
        )
        if prepared:
            photos_add(ticket=ticket, files=prepared, actor=agent, actor_label=label)
    return filing


def agent_notices_stop(*, citizen_phone: str, number: str = "", actor_label: str = "市民短信") -> list[Filing]:
    """The citizen stops the agent's copies of the progress SMS (all their agent-filed tickets, or
    the one numbered): the SMS keyword QXDB / 取消代办 (agents.sms). Returns the filings changed."""
    filings = Filing.objects.select_related("ticket").filter(
        ticket__citizen__phone=citizen_phone, agent_notified=True)
    if number:
        filings = filings.filter(ticket__number=number)
    changed = []
    with transaction.atomic():
        for filing in filings.select_for_update(of=("self",)):
            filing.agent_notified, filing.agent_opted_out_at = False, timezone.now()
            filing.save(update_fields=["agent_notified", "agent_opted_out_at"])
            record_event(ticket=filing.ticket, kind="agent_notices_off", actor_label=actor_label,
                         payload={"agent": str(filing.agent), "phone": mask_phone(citizen_phone)})
            changed.append(filing)
    return changed
