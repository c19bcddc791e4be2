"""Reads of the Open311 app: services from the category taxonomy, service definitions, a key's
own service requests and how a ticket reads to a partner (no personal data)."""
import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from dispatch.models import Reply
from dispatch.visibility import tickets_visible_to
from hotline.models import Category, Ticket, TicketState
from hotline.models.tickets import FINAL_STATES, public_state_label
from hotline.privacy import scrub_text

from .models import PartnerKey, ServiceAttribute, ServiceAttributeValue
from .services import key_digest

# GeoReport v2, GET requests: without dates the last 90 days; a window may not span more; at
# most 1000 requests in one answer (the newest).
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100  # service_request_id list


def key_for(raw_key: str) -> PartnerKey | None:
    """The key with that secret (enabled or not), or None."""
    raw_key = (raw_key or "").strip()
    if not raw_key or len(raw_key) > 200:
        return None
    return PartnerKey.objects.select_related("user").filter(key_hash=key_digest(raw_key)).first()


def service_categories() -> list[Category]:
    """Every active category without active children: what one files to. A service's group is
    its first-level category."""
    has_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return list(Category.objects.filter(is_active=True).exclude(Exists(has_children))
                .select_related("parent__parent").order_by("full_name"))


def codes_with_definition() -> set[int]:
    return set(ServiceAttribute.objects.values_list("category_id", flat=True).distinct())


def service_by_code(code: str) -> Category | None:
    """service_code is the category's id: stable across renames and moves in the tree."""
    if not code.isdigit() or len(code) > 9:
        return None
    has_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return Category.objects.filter(pk=int(code), is_active=True).exclude(Exists(has_children)).first()


def service_attributes(category: Category) -> list[ServiceAttribute]:
    return list(ServiceAttribute.objects.filter(category=category).prefetch_related(
        Prefetch("values", queryset=ServiceAttributeValue.objects.order_by("order", "id"))))


def group_of(category: Category) -> str:
    return category.full_name.split("/")[0]


def service_keywords(category: Category) -> str:
    words = [w for w in category.synonyms.replace("，", " ").replace(",", " ").replace("、", " ").split() if w]
    return ",".join(dict.fromkeys(words))


# --- requests -----------------------------------------------------------------------------------


def own_requests(key: PartnerKey):
    """The key's tickets: the partner account sees only what it filed (dispatch.visibility)."""
    return tickets_visible_to(key.user)


def with_status_sources(queryset):
    return queryset.select_related("category", "lead_unit", "citizen", "open311_request").prefetch_related(
        Prefetch("replies", queryset=Reply.objects.filter(is_lead=True, review_state__in=("", "approved"))
                 .order_by("-id"), to_attr="public_replies"))


def request_by_id(key: PartnerKey, service_request_id: str) -> Ticket | None:
    service_request_id = service_request_id.strip()
    if not service_request_id or len(service_request_id) > 16:
        return None
    return with_status_sources(own_requests(key).filter(number=service_request_id)).first()


def requests_search(key: PartnerKey, *, ids: list[str] | None = None, service_codes: list[int] | None = None,
                    start: dt.datetime | None = None, end: dt.datetime | None = None,
                    statuses: list[str] | None = None) -> list[Ticket]:
    """GET requests: ids override every other argument (the spec); else the window (default the
    last 90 days), services and open/closed; the newest first, at most MAX_RESULTS."""
    qs = own_requests(key)
    if ids:
        return list(with_status_sources(qs.filter(number__in=ids[:MAX_IDS])).order_by("-created_at"))
    end = end or timezone.now()
    start = start or end - DEFAULT_WINDOW
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if service_codes:
        qs = qs.filter(category_id__in=service_codes)
    if statuses and set(statuses) != {"open", "closed"}:
        closed = Q(state__in=FINAL_STATES)
        qs = qs.filter(closed if "closed" in statuses else ~closed)
    return list(with_status_sources(qs).order_by("-created_at", "-id")[:MAX_RESULTS])


def status_of(ticket: Ticket) -> str:
    return "closed" if ticket.state in FINAL_STATES else "open"


def _scrubbed(ticket: Ticket, text: str) -> str:
    citizen = ticket.citizen if ticket.citizen_id else None
    return scrub_text(text, max_length=None, names=(citizen.name,) if citizen else (),
                      secrets=(citizen.phone if citizen else "",))


def status_notes(ticket: Ticket) -> str:
    """What the hotline answered, as the public may read it: the direct answer, the lead unit's
    (approved) reply, or where the ticket stands; scrubbed of personal data (hotline.privacy)."""
    if ticket.state == TicketState.MERGED:
        return "已与同一诉求合并办理"
    if ticket.state == TicketState.INVALID:
        return "经核实为无效诉求，已结束"
    if ticket.direct_answer:
        return _scrubbed(ticket, ticket.direct_answer)
    replies = getattr(ticket, "public_replies", None)
    if replies is None:
        replies = list(ticket.replies.filter(is_lead=True, review_state__in=("", "approved")).order_by("-id"))
    if replies and ticket.state in (TicketState.REPLIED, TicketState.CLOSED):
        return _scrubbed(ticket, replies[0].text)
    return public_state_label(ticket.state)


SERVICE_NOTICE = "已受理，工单编号{number}，将按规定时限办理并短信告知市民"


def service_notice(ticket: Ticket) -> str:
    return SERVICE_NOTICE.format(number=ticket.number)


def iso(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def request_as_seen_by_partner(ticket: Ticket) -> dict:
    """One GeoReport v2 service request. No name, phone or e-mail: the description is scrubbed too."""
    extra = getattr(ticket, "open311_request", None)
    return {
        "service_request_id": ticket.number,
        "status": status_of(ticket),
        "status_notes": status_notes(ticket),
        "service_name": ticket.category.name if ticket.category_id else "",
        "service_code": str(ticket.category_id or ""),
        "description": _scrubbed(ticket, ticket.content),
        "agency_responsible": ticket.lead_unit.name if ticket.lead_unit_id else "",
        "service_notice": service_notice(ticket),
        "requested_datetime": iso(ticket.created_at),
        "updated_datetime": iso(ticket.updated_at),
        "expected_datetime": iso(ticket.due_at),
        "address": ticket.address,
        "address_id": extra.address_id if extra else "",
        "zipcode": "",
        "lat": float(ticket.latitude) if ticket.latitude is not None else None,
        "long": float(ticket.longitude) if ticket.longitude is not None else None,
        "media_url": extra.media_url if extra else "",
    }
