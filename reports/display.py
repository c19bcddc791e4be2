"""The public summary for the LED wall and controller cards, served from a cached snapshot.

`build_snapshot()` reads only the rollup, indexed counts and the last few tickets,
so its cost does not grow with the ticket table. The result is stored in the cache
pre-encoded (JSON, UTF-8 text, GBK text); the feeds return those bytes as they are.
A periodic task rebuilds it; events mark it stale and a debounced task (or, without
a worker, the next request after `STALE_AFTER`) rebuilds it.

Nothing personal leaves this module: recent cases carry a scrubbed title, the area,
category, type and state, never a name, phone number or address.
"""
import datetime as dt
import json
import logging
import time

from django.core.cache import cache
from django.utils import timezone

from dispatch.deadlines import light_q
from hotline.models import Channel, Light, Ticket, TicketState, TicketType
from hotline.models.tickets import public_state_label
from hotline.privacy import is_confidential, scrub_text, ticket_as_seen_as

from . import kpis, rollup

logger = logging.getLogger(__name__)

CACHE_KEY = "reports:display:snapshot:v1"
DIRTY_KEY = "reports:display:dirty"
LOCK_KEY = "reports:display:building"
MAX_AGE = 60  # seconds: rebuilt by a request when older than this (no worker running)
STALE_AFTER = 5  # seconds: after an event, a rebuild waits at least this long (debounce)
RECENT_CASES = 15
RANKING_ROWS = 10
RANKING_DAYS = 30  # a rolling window: a calendar month's first days have almost nothing judged yet
TREND_DAYS = 7
CATEGORY_SLICES = 6  # the largest first-level categories; the rest as 其他
TITLE_LENGTH = 28
HOT_TOPICS = 8
LOCAL_TTL = 1.0  # seconds a process reuses the entry it last read from the shared cache
_local: dict = {"entry": None, "until": 0.0}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _recent_cases() -> list[dict]:
    rows = (
        Ticket.objects.exclude(state__in=[TicketState.INVALID, TicketState.MERGED])
        .select_related("category", "citizen")
        .only("number", "title", "area", "ticket_type", "state", "channel", "created_at", "is_confidential",
              "category__name", "citizen__name", "citizen__phone")
        .order_by("-created_at")[:RECENT_CASES]
    )
    out = []
    for t in rows:
        names = (t.citizen.name,) if t.citizen_id and t.citizen.name else ()
        out.append({
            "number": t.number,
            "time": timezone.localtime(t.created_at).strftime("%m-%d %H:%M"),
            "area": scrub_text(t.area, max_length=12),
            "type": str(TicketType(t.ticket_type).label),
            "category": t.category.name if t.category_id else "",
            "channel": str(Channel(t.channel).label),
            "state": public_state_label(t.state),
            # A confidential ticket's title without its citizen at all (not even 王某: issue 16 item 8).
            "summary": scrub_text(ticket_as_seen_as(ticket=t, role="").title if is_confidential(t) else t.title,
                                  max_length=TITLE_LENGTH, names=names),
        })
    return out


def _hot_topics() -> list[dict]:
    """Terms rising this week; in a quiet week (nothing mentioned twice) the month's most
    frequent terms instead, so that the panel shows what people call about."""
    from .intelligence import hot_topics

    try:
        rows = hot_topics.rising(days=7, limit=HOT_TOPICS) or hot_topics.rising(
            days=30, limit=HOT_TOPICS, min_count=1)
    except Exception:  # the board must show the rest even if topics fail
        logger.exception("hot topics for the display failed")
        return []
    return [{"term": h["term"], "count": h["count"], "trend": h["trend"]} for h in rows]


def _trend(today: dt.date) -> list[dict]:
    """Received and closed per day over the last TREND_DAYS days (days without tickets as 0)."""
    start = today - dt.timedelta(days=TREND_DAYS - 1)
    by_day = {r["period"]: r for r in kpis.trend(kpis.Filters(start=start, end=today), "day")}
    days = [start + dt.timedelta(days=i) for i in range(TREND_DAYS)]
    return [{"day": f"{d.month}/{d.day}", "received": by_day.get(d, {}).get("received", 0),
             "closed": by_day.get(d, {}).get("closed", 0)} for d in days]


def _categories(filters: kpis.Filters) -> list[dict]:
    rows = [r for r in kpis.breakdown(filters, "cat1") if r["received"]]
    top = [{"name": r["label"], "value": r["received"]} for r in rows[:CATEGORY_SLICES]]
    rest = sum(r["received"] for r in rows[CATEGORY_SLICES:])
    return top + ([{"name": "其他", "value": rest}] if rest else [])


def short_unit_name(name: str) -> str:
    """县人力资源和社会保障局 → 人力资源和社会保障局: on the county's own board the county prefix says nothing."""
    return name[1:] if name[:1] in ("县", "市", "区") and len(name) > 4 else name


def build_snapshot(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    month_start = today.replace(day=1)
    today_f = kpis.Filters(start=today, end=today)
    month_f = kpis.Filters(start=month_start, end=today)
    recent_f = kpis.Filters(start=today - dt.timedelta(days=RANKING_DAYS - 1), end=today)
    month = kpis.totals(month_f)
    channels_today = {r["key"]: r["received"] for r in kpis.breakdown(today_f, "channel")}
    channels_month = {r["key"]: r["received"] for r in kpis.breakdown(month_f, "channel")}
    units = kpis.unit_ranking(recent_f)
    ranking = [r for r in units if r["rank"] is not None][:RANKING_ROWS]
    short_sample = [r for r in units if not r["ranked"] and r["dispatched"]]
    state = rollup.last_refresh()
    return {
        "title": "12345政务服务便民热线",
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "data_as_of": timezone.localtime(state.refreshed_at).isoformat(timespec="seconds")
        if state and state.refreshed_at else None,
        "today": {
            "date": today.isoformat(),
            "received": sum(channels_today.values()),
            "by_channel": [{"channel": str(label), "count": channels_today.get(key, 0)}
                           for key, label in Channel.choices],
        },
        "month": {
            "label": f"{today.year}年{today.month}月",
            "received": month["received"],
            "closed": month["closed"],
            "by_channel": [{"channel": str(label), "count": channels_month.get(key, 0)}
                           for key, label in Channel.choices],
            "closure_rate": month["closure_rate"],
            "on_time_rate": month["on_time_rate"],
            "satisfaction_rate": month["satisfaction_rate"],
        },
        "cards": {
            "red": Ticket.objects.filter(light_q(Light.RED, now)).count(),
            "yellow": Ticket.objects.filter(light_q(Light.YELLOW, now)).count(),
        },
        "hot_topics": _hot_topics(),
        "trend": _trend(today),
        "categories": _categories(recent_f),
        "ranking_label": f"近{RANKING_DAYS}日",
        "ranking_min_due": kpis.ranking_min_due(),
        "ranking": [{"rank": r["rank"], "unit": short_unit_name(r["label"]), "dispatched": r["dispatched"],
                     "closure_rate": r["closure_rate"], "satisfaction_rate": r["satisfaction_rate"],
                     "score": r["score"]} for r in ranking],
        "ranking_short_sample": len(short_sample),
        "recent": _recent_cases(),
    }


def snapshot_text(snap: dict) -> str:
    """Plain text for LED controller cards: short lines, no markup."""
    m, t = snap["month"], snap["today"]
    lines = [
        snap["title"],
        f"今日受理{t['received']}件 " + " ".join(f"{c['channel']}{c['count']}" for c in t["by_channel"] if c["count"]),
        f"{m['label']}受理{m['received']}件 办结{m['closed']}件",
        f"办结率{_pct(m['closure_rate'])} 按时办结率{_pct(m['on_time_rate'])} 满意率{_pct(m['satisfaction_rate'])}",
        f"红牌{snap['cards']['red']}件 黄牌{snap['cards']['yellow']}件",
    ]
    if snap["hot_topics"]:
        lines.append("热点：" + " ".join(h["term"] for h in snap["hot_topics"]))
    for r in snap["ranking"][:5]:
        lines.append(f"第{r['rank']}名 {r['unit']} 交办{r['dispatched']} 得分{r['score']:.1f}")
    for c in snap["recent"][:8]:
        lines.append(f"{c['time']} {c['area']} {c['summary']}（{c['state']}）")
    lines.append(f"更新于{snap['generated_at'][11:16]}")
    return "\r\n".join(lines) + "\r\n"


def encode(snap: dict) -> dict:
    text = snapshot_text(snap)
    return {
        "json": json.dumps(snap, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        "utf-8": text.encode("utf-8"),
        "gbk": text.encode("gbk", errors="replace"),
        "built": time.time(),
        "snapshot": snap,
    }


def rebuild() -> dict:
    """Build, store and push the snapshot."""
    started = time.monotonic()
    entry = encode(build_snapshot())
    cache.set(CACHE_KEY, entry, timeout=None)
    cache.delete(DIRTY_KEY)
    _local.update(entry=None, until=0.0)
    logger.debug("display snapshot rebuilt in %.0f ms", (time.monotonic() - started) * 1000)
    _push(entry["snapshot"])
    return entry


def _push(snap: dict) -> None:
    try:
        from live.push import push_display
    except ImportError:
        return  # no websocket push in this deployment: the page polls
    try:
        push_display({"kind": "display_summary", "snapshot": snap})
    except Exception:
        logger.exception("pushing the display snapshot failed")


def current() -> dict:
    """The cached snapshot; rebuilt here only when missing, expired or stale after events
    (one request rebuilds while the others keep serving the previous one). Each process
    keeps the entry for LOCAL_TTL so a burst of pollers costs one cache read a second."""
    now = time.monotonic()
    if _local["entry"] is not None and now < _local["until"]:
        return _local["entry"]
    entry = _shared_entry()
    _local.update(entry=entry, until=time.monotonic() + LOCAL_TTL)
    return entry


def _shared_entry() -> dict:
    entry = cache.get(CACHE_KEY)
    if entry is None:
        return rebuild()
    age = time.time() - entry["built"]
    stale = age > MAX_AGE or (age > STALE_AFTER and cache.get(DIRTY_KEY))
    if stale and cache.add(LOCK_KEY, 1, timeout=30):
        try:
            entry = rebuild()
        finally:
            cache.delete(LOCK_KEY)
    return entry


def mark_dirty(events=None) -> None:
    """notify subscriber: tickets changed; rebuild soon, at most once per STALE_AFTER (one
    mark for a whole batch of events)."""
    cache.set(DIRTY_KEY, 1, timeout=MAX_AGE * 10)
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no worker: the next request after STALE_AFTER rebuilds
    if cache.add("reports:display:scheduled", 1, timeout=STALE_AFTER):
        from .tasks import rebuild_display_snapshot

        rebuild_display_snapshot.apply_async(countdown=STALE_AFTER)
