"""What a bulletin says: every section's figures for a period, read from the report rollups and the
shared interfaces (reports.kpis, reports.intelligence.hot_topics, assessment.selectors.month_scores,
cases' published cases). Only aggregates, unit names and public case texts: nothing here carries a
citizen's name, phone number or address (typical cases go through cases.services.public_text again).
"""
import datetime as dt

from django.db.models import Count
from django.utils import timezone

from assessment.selectors import month_scores
from cases.selectors import published_cases
from cases.services import public_text
from dispatch.deadlines import light_q
from hotline.models import Light, Ticket
from reports import kpis
from reports.intelligence import hot_topics

from .models import ALL_SECTIONS, Section
from .periods import Period

TOP_CATEGORIES = 10
HOT_TOPICS = 10
RANKING_ROWS = 15
RED_UNITS = 15
CASES = 5
NO_SCORES = "本月考核尚未生成"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def volume(filters: kpis.Filters, period: Period) -> dict:
    total = kpis.totals(filters)
    by_day = {r["period"]: r for r in kpis.trend(filters, "day")}
    days = [period.start + dt.timedelta(days=i) for i in range(period.days)]
    return {
        "received": total["received"], "dispatched": total["dispatched"], "closed": total["closed"],
        "direct_answered": total["direct_answered"], "open_now": total["open_now"],
        "trend": [{"day": d.isoformat(), "label": f"{d.month}/{d.day}",
                   "received": by_day.get(d, {}).get("received", 0),
                   "closed": by_day.get(d, {}).get("closed", 0)} for d in days],
    }


def channels(filters: kpis.Filters) -> list[dict]:
    return [{"name": r["label"], "received": r["received"]} for r in kpis.breakdown(filters, "channel")
            if r["received"]]


def categories(filters: kpis.Filters, period: Period) -> dict:
    rows = [r for r in kpis.breakdown(filters, "cat1") if r["received"]]
    topics = hot_topics.rising(days=period.days, end=period.end, limit=HOT_TOPICS, min_count=1)
    return {"top": [{"name": r["label"], "received": r["received"]} for r in rows[:TOP_CATEGORIES]],
            "hot_topics": [{"term": t["term"], "count": t["count"]} for t in topics]}


def kpi_rows(filters: kpis.Filters) -> list[dict]:
    total = kpis.totals(filters)
    return [{"label": k.label, "value": total[k.key], "text": _pct(total[k.key]),
             "numerator": total[k.numerator], "denominator": total[k.denominator]} for k in kpis.KPIS]


def ranking(filters: kpis.Filters, period: Period) -> dict:
    rows = kpis.unit_ranking(filters)
    ranked = [{"rank": r["rank"], "unit": r["label"], "dispatched": r["dispatched"], "closed": r["closed"],
               "closure_rate": r["closure_rate"], "on_time_rate": r["on_time_rate"],
               "satisfaction_rate": r["satisfaction_rate"], "score": r["score"]}
              for r in rows if r["rank"] is not None][:RANKING_ROWS]
    scores = month_scores(month=period.start)
    month = period.start.replace(day=1)
    return {
        "weighted": ranked,
        "scores_month": f"{month.year}年{month.month}月",
        "scores": [{"rank": s.rank, "unit": s.unit_name, "score": s.score, "published": s.published}
                   for s in scores[:RANKING_ROWS]],
    }


def red_units(now: dt.datetime) -> list[dict]:
    """Units holding red-light (overdue) tickets as the bulletin is made, most first."""
    rows = (Ticket.objects.filter(light_q(Light.RED, now), lead_unit__isnull=False)
            .values("lead_unit__name").annotate(n=Count("id")).order_by("-n", "lead_unit__name")[:RED_UNITS])
    return [{"unit": r["lead_unit__name"], "red": r["n"]} for r in rows]


def cases(period: Period) -> list[dict]:
    """Published typical cases whose ticket was closed in the period (published any time before)."""
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    rows = (published_cases().filter(closed_at__gte=start, closed_at__lt=end)
            .select_related("ticket__citizen", "category")[:CASES])
    return [{"title": public_text(c.ticket, c.title), "category": c.category.name if c.category_id else "",
             "unit": c.unit_name, "summary": public_text(c.ticket, c.summary),
             "answer": public_text(c.ticket, c.answer)} for c in rows]


def bulletin_content(*, sections: list[str], period: Period, now: dt.datetime) -> dict:
    """Every chosen section's figures (in the order of ALL_SECTIONS)."""
    filters = kpis.Filters(start=period.start, end=period.end)
    wanted = [s for s in ALL_SECTIONS if s in set(sections)]
    makers = {
        Section.VOLUME: lambda: volume(filters, period),
        Section.CHANNELS: lambda: channels(filters),
        Section.CATEGORIES: lambda: categories(filters, period),
        Section.KPIS: lambda: kpi_rows(filters),
        Section.RANKING: lambda: ranking(filters, period),
        Section.RED_UNITS: lambda: red_units(now),
        Section.CASES: lambda: cases(period),
    }
    return {s: makers[s]() for s in wanted}
