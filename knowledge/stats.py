"""Statistics of the knowledge base in use (/knowledge/stats/), set-based: one grouped query each.

Definitions (docs/KNOWLEDGE_USE.md), over the consultations (咨询) registered in the date range:
  直接答复率   = consultations the hotline closed on the call (直接答复) ÷ consultations
  知识库命中率 = consultations closed on the call with a point's answer (a KnowledgeUse answered
                 on the ticket) ÷ consultations: how many callers the knowledge base answered
  知识点引用率 = of the direct answers, the share that came from a point
By operator: the one who registered the call (the console's operator answers it directly).
Each point's uses count KnowledgeUse rows of each kind made in the range.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from hotline.models import Ticket, TicketType

from .models import KnowledgeUse

Kind = KnowledgeUse.Kind
GROUPS = {
    "operator": ("created_by", "created_by__display_name", "created_by__username"),
    "category": ("category", "category__full_name"),
}
NOBODY = {"operator": "（无登记人）", "category": "（未分类）"}


@dataclass(frozen=True)
class RateRow:
    key: int | None
    label: str
    consultations: int
    direct: int
    from_point: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def direct_rate(self) -> float | None:
        return self._share(self.direct, self.consultations)

    @property
    def hit_rate(self) -> float | None:
        return self._share(self.from_point, self.consultations)

    @property
    def point_share(self) -> float | None:
        return self._share(self.from_point, self.direct)


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The local days from date_from to date_to inclusive, as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    return start, end


def _counts() -> dict:
    answered_from_point = Exists(KnowledgeUse.objects.filter(ticket_id=OuterRef("pk"), kind=Kind.ANSWERED))
    direct = Q(closed_by_hotline=True)
    return {"consultations": Count("pk"), "direct": Count("pk", filter=direct),
            "from_point": Count("pk", filter=direct & Q(answered_from_point))}


def _consultations(date_from: date, date_to: date):
    start, end = _bounds(date_from, date_to)
    return Ticket.objects.filter(ticket_type=TicketType.CONSULTATION, created_at__gte=start, created_at__lt=end)


def answer_rates(*, date_from: date, date_to: date, by: str) -> list[RateRow]:
    """直接答复率 and 知识库命中率 per operator or per category (`by`), most consultations first."""
    fields = GROUPS[by]
    rows = (_consultations(date_from, date_to).order_by().values(*fields).annotate(**_counts())
            .order_by("-consultations", fields[0]))
    out = []
    for row in rows:
        label = (row.get("created_by__display_name") or row.get("created_by__username")
                 if by == "operator" else row.get("category__full_name"))
        out.append(RateRow(row[fields[0]], label or NOBODY[by], row["consultations"], row["direct"],
                           row["from_point"]))
    return out


def answer_totals(*, date_from: date, date_to: date) -> RateRow:
    totals = _consultations(date_from, date_to).aggregate(**_counts())
    return RateRow(None, "合计", totals["consultations"], totals["direct"], totals["from_point"])


def point_use_counts(*, date_from: date, date_to: date, limit: int = 100) -> list[dict]:
    """Each used point's uses in the range by kind, the most used first."""
    start, end = _bounds(date_from, date_to)
    by_kind = {kind.value: Count("pk", filter=Q(kind=kind.value)) for kind in Kind}
    return list(
        KnowledgeUse.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by().values("point", "point__title", "point__audience", "point__unit__name")
        .annotate(total=Count("pk"), **by_kind).order_by("-total", "point")[:limit]
    )
