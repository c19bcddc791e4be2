"""The 30-day expiry notice: a point in force whose `valid_to` is 30 days away or less is told
once to its unit (the unit head's mobile and its staff's) and to the centre (supervisors' and
admins' mobiles), by SMS through sms_gateway, and shows in the 即将到期 list of the knowledge
pages (the product's in-app notice for units is their lists; it has no separate inbox).

Once: the run claims the points (`expiry_notified_at` set, rows locked, skip the locked ones)
in the transaction that queues the messages, and every message has a dedupe key (point, valid_to,
number), so a second run, or two at once, send nothing more. Publishing a point again (a new
text, perhaps a new validity) clears the stamp: it earns its own notice.
An SMS per unit and per centre person, not per point: a unit whose ten points lapse on one day
gets one message that names the first and counts the rest."""
import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from hotline.models import Role, User
from sms_gateway import codec
from sms_gateway.services import message_new, sms_send_many

from ..models import KnowledgePoint
from ..selectors import in_force

NOTICE_DAYS = 30
KIND = "knowledge_expiry"


def expiring(today: dt.date | None = None):
    today = today or timezone.localdate()
    return in_force(today=today).filter(valid_to__isnull=False,
                                        valid_to__lte=today + dt.timedelta(days=NOTICE_DAYS))


def _body(points: list[KnowledgePoint], whose: str) -> str:
    first = points[0]
    more = f"等{len(points)}个知识点" if len(points) > 1 else "知识点"
    return (f"【知识库到期提醒】{whose}《{first.title[:30]}》{more}将于{first.valid_to:%m月%d日}起失效，"
            "请及时更新或确认延续。")


def _mobiles(users) -> list[str]:
    return sorted({u.phone for u in users if u.phone and codec.is_mobile(u.phone)})


@transaction.atomic
def notify_expiring(*, today: dt.date | None = None) -> int:
    """Tell of the points about to lapse that were not told yet; the number of points told."""
    points = list(expiring(today).filter(expiry_notified_at__isnull=True)
                  .select_for_update(skip_locked=True, of=("self",)).select_related("unit")
                  .order_by("valid_to", "id"))
    if not points:
        return 0
    KnowledgePoint.objects.filter(pk__in=[p.pk for p in points]).update(expiry_notified_at=timezone.now())
    by_unit: dict = defaultdict(list)
    for point in points:
        if point.unit_id:
            by_unit[point.unit].append(point)
    messages = []

    def add(number: str, body: str, key: str):
        messages.append(message_new(to=number, body=body, kind=KIND,
                                    dedupe_key=f"kexp:{key}:{number}"[:120]))

    for unit, theirs in by_unit.items():
        staff = User.objects.filter(unit=unit, role=Role.UNIT_STAFF, is_active=True)
        numbers = set(_mobiles(staff))
        if unit.head_phone and codec.is_mobile(unit.head_phone):
            numbers.add(unit.head_phone)
        key = ",".join(f"{p.pk}@{p.valid_to}" for p in theirs[:5])
        for number in sorted(numbers):
            add(number, _body(theirs, "贵单位"), key)
    centre = User.objects.filter(role__in=[Role.SUPERVISOR, Role.ADMIN], is_active=True)
    key = ",".join(f"{p.pk}@{p.valid_to}" for p in points[:5])
    for number in _mobiles(centre):
        add(number, _body(points, ""), key)
    if messages:
        sms_send_many(messages=messages)
    return len(points)


def points_expiring_for(user) -> list[KnowledgePoint]:
    """The in-app notice: the points about to lapse that this person answers for (a unit's own;
    the centre all), soonest first."""
    from ..selectors import is_centre

    qs = expiring().select_related("unit", "category").order_by("valid_to", "id")
    if is_centre(user):
        return list(qs[:50])
    if user.is_authenticated and user.role == Role.UNIT_STAFF and user.unit_id:
        return list(qs.filter(unit_id=user.unit_id)[:50])
    return []
