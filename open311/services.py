"""Writes of the Open311 app: partner keys (issue 19 item 2) and filing a service request
(item 1). Views, the admin and the command call these."""
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from hardening.ratelimit import hit
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import Category, Channel, Role, Ticket, TicketType, User
from hotline.permissions import require_role
from hotline.services.tickets import ticket_register
from hotline.validation import validate_phone, validate_text

from .models import Datatype, PartnerKey, PartnerKeyUsage, ServiceAttribute, ServiceRequest

KEY_ADMINS = (Role.ADMIN, Role.SYSADMIN)  # 中心管理员 and the system administrator issue keys
KEY_BYTES = 32
# Open311 has no request type; a report of a problem at a place is a 求助 in the hotline's terms.
OPEN311_TICKET_TYPE = TicketType.HELP
MAX_DESCRIPTION = 4000


def key_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    key: PartnerKey
    raw: str  # shown once, never stored


def _require_key_admin(actor) -> None:
    # None: the management command, run by whoever has the server's shell
    if actor is not None and not actor.is_superuser:
        require_role(actor, *KEY_ADMINS, what="管理合作方密钥")


@transaction.atomic
def partner_key_create(*, name: str, actor=None, per_minute: int = 60, per_hour: int = 1000,
                       services: list[Category] | tuple = (), request=None) -> IssuedKey:
    """A new key and its PARTNER account (no password: it signs in with the key only)."""
    _require_key_admin(actor)
    name = validate_text(name, field="name", label="合作方名称", max_length=100)
    if PartnerKey.objects.filter(name=name).exists():
        raise Conflict(f"合作方「{name}」已有密钥", field="name")
    if per_minute < 1 or per_hour < 1:
        raise InvalidInput("请求上限须大于0", field="per_minute")
    raw = secrets.token_urlsafe(KEY_BYTES)
    username = f"partner-{secrets.token_hex(4)}"
    user = User.objects.create_user(username=username, password=None, role=Role.PARTNER,
                                    display_name=name[:50])
    key = PartnerKey.objects.create(name=name, user=user, key_hash=key_digest(raw), key_prefix=raw[:6],
                                    per_minute=per_minute, per_hour=per_hour,
                                    created_by=actor if actor is not None and actor.pk else None)
    if services:
        key.services.set(services)
    audit_record(action=AuditAction.TOKEN_ISSUED, actor=actor, request=request, target=key,
                 target_type="open311_key", detail={"name": name, "prefix": key.key_prefix},
                 actor_label="" if actor else "manage.py open311_key")
    return IssuedKey(key=key, raw=raw)


@transaction.atomic
def partner_key_disable(*, key: PartnerKey, actor=None, request=None) -> PartnerKey:
    """Stops the key at once (Open311 and the REST API); its tickets stay as they are."""
    _require_key_admin(actor)
    if not key.is_enabled:
        return key
    key.is_enabled, key.disabled_at = False, timezone.now()
    key.save(update_fields=["is_enabled", "disabled_at"])
    User.objects.filter(pk=key.user_id).update(is_active=False)
    audit_record(action=AuditAction.TOKEN_REVOKED, actor=actor, request=request, target=key,
                 target_type="open311_key", detail={"name": key.name, "prefix": key.key_prefix},
                 actor_label="" if actor else "manage.py open311_key")
    return key


@transaction.atomic
def partner_key_update(*, key: PartnerKey, actor, per_minute: int, per_hour: int,
                       services: list[Category] | tuple = (), request=None) -> PartnerKey:
    """New limits or allowed services for a key (the admin's change form)."""
    _require_key_admin(actor)
    if per_minute < 1 or per_hour < 1:
        raise InvalidInput("请求上限须大于0", field="per_minute")
    key.per_minute, key.per_hour = per_minute, per_hour
    key.save(update_fields=["per_minute", "per_hour"])
    key.services.set(services)
    audit_record(action=AuditAction.SETTING_CHANGED, actor=actor, request=request, target=key,
                 target_type="open311_key", detail={"per_minute": per_minute, "per_hour": per_hour,
                                                    "services": sorted(c.pk for c in services)})
    return key


def partner_key_wait(*, key: PartnerKey) -> int:
    """Count one request against the key's own limits: the seconds to wait when it is over its
    per-minute or per-hour limit, else 0 (hardening.ratelimit, shared through Redis)."""
    return (hit("open311_key_minute", str(key.pk), limit=key.per_minute, window_seconds=60)
            or hit("open311_key_hour", str(key.pk), limit=key.per_hour, window_seconds=3600))


def partner_key_used(*, key: PartnerKey, filed: int = 0) -> None:
    """Count one request (and a filed ticket) on the key's totals and today's row: set-based
    UPDATEs, no read-modify-write."""
    now = timezone.now()
    PartnerKey.objects.filter(pk=key.pk).update(requests_total=F("requests_total") + 1,
                                                filed_total=F("filed_total") + filed, last_used_at=now)
    day = timezone.localdate(now)
    updated = PartnerKeyUsage.objects.filter(key=key, day=day).update(requests=F("requests") + 1,
                                                                      filed=F("filed") + filed)
    if not updated:
        try:
            with transaction.atomic():
                PartnerKeyUsage.objects.create(key=key, day=day, requests=1, filed=filed)
        except IntegrityError:  # another request made today's row first
            PartnerKeyUsage.objects.filter(key=key, day=day).update(requests=F("requests") + 1,
                                                                    filed=F("filed") + filed)


def partner_ticket_input(*, key, data: dict, channel_given: bool) -> dict:
    """A partner's REST registration (api/views.py): on channel api unless it said otherwise (any
    other channel is refused by ticket_register), within the key's allowed services."""
    if not isinstance(key, PartnerKey):
        raise NotAllowed("合作系统须使用合作方密钥（Authorization: Api-Key）登记")
    if not channel_given:
        data = {**data, "channel": Channel.API}
    category = data.get("category")
    if category is not None and key.services.exists() and not key.services.filter(pk=category.pk).exists():
        raise NotAllowed("该密钥无权提交此分类的诉求", field="category")
    return data


# --- filing -------------------------------------------------------------------------------


def _coordinate(raw: str, *, field: str, limit: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput(f"{field} 须为十进制度数（WGS84）", field=field) from None
    if not value.is_finite() or abs(value) > limit:
        raise InvalidInput(f"{field} 超出范围（±{limit}）", field=field)
    return value.quantize(Decimal("0.000001"))


def _attribute_answers(attributes: list[ServiceAttribute], given: dict[str, list[str]]) -> dict:
    """Check attribute[code] values against the service definition: required ones present,
    list values among the definition's keys, numbers numbers. Returns {code: value or [values]}."""
    known = {a.code: a for a in attributes}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidInput(f"attribute[{unknown[0]}] 不是该服务的附加项", field=f"attribute[{unknown[0]}]")
    answers: dict = {}
    for attribute in attributes:
        if not attribute.variable:
            continue
        field = f"attribute[{attribute.code}]"
        values = [v.strip() for v in given.get(attribute.code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise InvalidInput(f"{field} 必填：{attribute.description}", field=field)
            continue
        if attribute.datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
            allowed = {v.key for v in attribute.values.all()}
            wrong = [v for v in values if v not in allowed]
            if wrong or (attribute.datatype == Datatype.SINGLEVALUELIST and len(values) > 1):
                raise InvalidInput(f"{field} 的值无效，可选：{'、'.join(sorted(allowed))}", field=field)
            answers[attribute.code] = values if attribute.datatype == Datatype.MULTIVALUELIST else values[0]
            continue
        value = values[0][:500]
        if attribute.datatype == Datatype.NUMBER:
            try:
                Decimal(value)
            except InvalidOperation:
                raise InvalidInput(f"{field} 须为数字", field=field) from None
        answers[attribute.code] = value
    return answers


def _answer_lines(attributes: list[ServiceAttribute], answers: dict) -> list[str]:
    lines = []
    for attribute in attributes:
        if attribute.code not in answers:
            continue
        names = {v.key: v.name for v in attribute.values.all()}
        value = answers[attribute.code]
        shown = "、".join(names.get(v, v) for v in value) if isinstance(value, list) else names.get(value, value)
        lines.append(f"{attribute.description}：{shown}")
    return lines


@dataclass(frozen=True)
class RequestInput:
    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict | None = None  # {code: [values]}


def service_request_file(*, key: PartnerKey, service: Category, attributes: list[ServiceAttribute],
                         data: RequestInput) -> Ticket:
    """An Open311 POST as an ordinary ticket on channel open311, created_by the key's partner
    account; the citizen gets the normal receipt SMS when a phone is given (hotline.notify)."""
    if not key.is_enabled or not key.user.is_active:
        raise NotAllowed("密钥已停用")
    if key.services.exists() and not key.services.filter(pk=service.pk).exists():
        raise NotAllowed("该密钥无权提交此服务")
    latitude = longitude = None
    if data.lat or data.long:
        latitude = _coordinate(data.lat, field="lat", limit=90)
        longitude = _coordinate(data.long, field="long", limit=180)
    address = validate_text(data.address_string, field="address_string", label="address_string",
                            max_length=200, required=False)
    address_id = validate_text(data.address_id, field="address_id", label="address_id", max_length=100,
                               required=False)
    if latitude is None and not address and not address_id:
        raise InvalidInput("须提供位置：lat 和 long、address_string 或 address_id 之一", field="lat")
    description = validate_text(data.description, field="description", label="description",
                                max_length=MAX_DESCRIPTION, required=False)
    answers = _attribute_answers(attributes, data.attributes or {})
    phone = validate_phone(data.phone) if data.phone.strip() else ""
    email = validate_text(data.email, field="email", label="email", max_length=254, required=False)
    if email and ("@" not in email or " " in email):
        raise InvalidInput("email 格式无效", field="email")
    media_url = validate_text(data.media_url, field="media_url", label="media_url", max_length=500,
                              required=False)
    if media_url and not media_url.startswith(("http://", "https://")):
        raise InvalidInput("media_url 须为 http(s) 链接", field="media_url")
    # 姓在前: Chinese order; a partner's form may split a name either way.
    name = f"{data.last_name.strip()}{data.first_name.strip()}"[:50]
    content_lines = [description or service.name, *_answer_lines(attributes, answers)]
    if address_id and not address:
        content_lines.append(f"地址编号：{address_id}")
    with transaction.atomic():
        ticket = ticket_register(
            actor=key.user, channel=Channel.OPEN311, ticket_type=OPEN311_TICKET_TYPE,
            content="\n".join(content_lines), category=service, address=address or "",
            citizen_phone=phone, citizen_name=name, latitude=latitude, longitude=longitude,
        )
        ServiceRequest.objects.create(ticket=ticket, key=key, service_code=str(service.pk), attributes=answers,
                                      media_url=media_url, address_id=address_id, email=email)
    return ticket


def service_requests_anonymise() -> int:
    """issue 20's retention reaches Open311 too: once `pii_retention` has anonymised a ticket, the
    submitter's e-mail kept beside it goes as well (one UPDATE; idempotent). Rows changed."""
    return (ServiceRequest.objects.filter(ticket__anonymised_at__isnull=False).exclude(email="")
            .update(email=""))
