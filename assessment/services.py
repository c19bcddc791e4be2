"""Writes of the assessment: publishing (freezing) a month, copying a scheme to a new version."""
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from hotline.errors import Conflict, InvalidInput, NotFound
from hotline.models import Role
from hotline.permissions import require_role

from .access import PUBLISHERS
from .counting import counts_by_unit_and_month
from .models import CountLedger, MonthScore, PublishedMonth, Scheme, SchemeIndicator
from .months import current_month, label, month_of, next_month
from .selectors import compute, scheme_for


def rollups_refresh() -> None:
    """Both rollups the scores read, brought up to date (incremental) before a freeze."""
    from reports import rollup as reports_rollup

    from . import rollup

    reports_rollup.refresh()
    rollup.refresh()


@transaction.atomic
def assessment_month_publish(*, month: dt.date, actor, request=None, refresh: bool = True) -> PublishedMonth:
    """Freeze a finished month: store every assessed unit's score and breakdown (MonthScore),
    and record in CountLedger the counts taken in (the month's own, and the late changes of
    earlier published months it carried), so that later changes count in the next month."""
    require_role(actor, *PUBLISHERS, what="发布月度考核")
    month = month_of(month)
    if month >= current_month():
        raise InvalidInput(f"{label(month)}尚未结束，不能发布", field="month")
    # One publisher at a time: the newest published row (or the scheme table) is the lock.
    list(Scheme.objects.select_for_update().order_by("pk").values_list("pk", flat=True)[:1])
    if PublishedMonth.objects.filter(month=month).exists():
        raise Conflict(f"{label(month)}的考核结果已经发布", code="already_published")
    later = PublishedMonth.objects.filter(month__gt=month).order_by("month").first()
    if later is not None:
        raise Conflict(f"{label(later.month)}已经发布，不能再发布更早的{label(month)}", code="later_published")
    scheme = scheme_for(month)
    if scheme is None:
        raise Conflict(f"{label(month)}没有适用的考核方案，请先在管理后台配置", code="no_scheme")
    if refresh:
        rollups_refresh()
    result = compute(month=month, scheme=scheme)
    try:
        with transaction.atomic():
            published = PublishedMonth.objects.create(month=month, scheme=scheme, published_by=actor,
                                                      carried_from=result.carried_from)
    except IntegrityError:
        raise Conflict(f"{label(month)}的考核结果已经发布", code="already_published") from None
    MonthScore.objects.bulk_create([
        MonthScore(published=published, unit_id=s.unit_id, unit_name=s.unit_name, score=s.score, rank=s.rank,
                   indicators=s.indicators, counts=result.counts.get(s.unit_id, {}))
        for s in result.scores])
    taken = [month, *(dt.date.fromisoformat(m) for m in result.carried_from)]
    CountLedger.objects.filter(source_month__in=taken).delete()
    CountLedger.objects.bulk_create([
        CountLedger(source_month=source, unit_id=unit_id, **counts)
        for (source, unit_id), counts in counts_by_unit_and_month(taken).items()])
    # Publishing fixes what every unit is ranked by for good: who did it stands in the audit trail.
    audit_record(action=AuditAction.PUBLISHED, actor=actor, request=request, target=published,
                 detail={"month": f"{month:%Y-%m}", "scheme": scheme.pk, "units": len(result.scores),
                         "carried_from": list(result.carried_from)})
    return published


def scheme_in_use(scheme: Scheme) -> PublishedMonth | None:
    return scheme.published_months.order_by("month").first() if scheme.pk else None


@transaction.atomic
def scheme_copy(*, scheme: Scheme, actor, valid_from: dt.date | None = None, request=None) -> Scheme:
    """复制为新版本: the same indicators under a new `valid_from` (default: the month after the
    newest version and after the newest published month), to be edited before it applies."""
    require_role(actor, Role.ADMIN, what="复制考核方案")
    if not Scheme.objects.filter(pk=scheme.pk).exists():
        raise NotFound("考核方案不存在")
    if valid_from is None:
        newest = Scheme.objects.order_by("-valid_from").values_list("valid_from", flat=True).first()
        published = PublishedMonth.objects.order_by("-month").values_list("month", flat=True).first()
        valid_from = max(next_month(newest), next_month(published) if published else current_month())
    valid_from = month_of(valid_from)
    if Scheme.objects.filter(valid_from=valid_from).exists():
        raise Conflict(f"已有自{label(valid_from)}起适用的考核方案", code="scheme_month_taken")
    copy = Scheme.objects.create(name=scheme.name, valid_from=valid_from,
                                 note=f"复制自“{scheme}”（{timezone.localdate():%Y-%m-%d}）")
    SchemeIndicator.objects.bulk_create([
        SchemeIndicator(scheme=copy, code=i.code, weight=i.weight, rule=i.rule, lower=i.lower, upper=i.upper,
                        per_event=i.per_event, cap=i.cap) for i in scheme.indicators.all()])
    audit_record(action=AuditAction.POLICY_CHANGED, actor=actor, request=request, target=copy,
                 detail={"op": "copied", "from": scheme.pk, "valid_from": valid_from.isoformat()})
    return copy


@transaction.atomic
def scheme_default_ensure(*, valid_from: dt.date) -> Scheme | None:
    """The default scheme (assessment.defaults) when there is none yet (the demo); None otherwise."""
    from .defaults import DEFAULT_INDICATORS, DEFAULT_NAME

    if Scheme.objects.exists():
        return None
    scheme = Scheme.objects.create(name=DEFAULT_NAME, valid_from=month_of(valid_from),
                                   note="默认方案：权重参照常见的12345热线考核办法，可复制为新版本后修改。")
    SchemeIndicator.objects.bulk_create([
        SchemeIndicator(scheme=scheme, code=code, rule=rule, weight=weight, lower=lower, upper=upper,
                        per_event=per_event, cap=cap)
        for code, rule, weight, lower, upper, per_event, cap in DEFAULT_INDICATORS])
    return scheme
