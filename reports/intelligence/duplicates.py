"""Duplicate detection (并单 suggestions) fast enough to run while the operator types.

Two steps, so the cost does not grow with the ticket table:
1. Candidates by index, open tickets only, each source capped:
   - the same caller (Citizen by phone → ticket_citizen_created index);
   - a similar address (PostgreSQL: trigram GIN index on open tickets' address);
   - a similar title in the recent window (trigram GIN index on open tickets' title).
   Without PostgreSQL (the embedded SQLite default) the last two become a scan of the
   most recent open tickets, which is fine at embedded scale.
2. Scoring in Python over at most a hundred candidates: character-bigram similarity
   of the text and of the address, plus the same caller.
"""
import datetime as dt
import re

from django.db import connection
from django.utils import timezone

from hotline.models import Citizen, Ticket
from hotline.models.tickets import OPEN_STATES
from hotline.validation import normalize_phone

PER_SOURCE = 30
RECENT_DAYS = 60
MIN_SCORE = 0.35
RESULTS = 5
TEXT_CHARS = 200
TRGM_THRESHOLD = 0.3
PG_TRGM_DEFAULT = 0.3  # pg_trgm.similarity_threshold when nobody sets it
MIN_CORE = 4  # typed text whose search core is shorter says too little to look titles up by
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> set[str]:
    text = _PUNCT.sub("", (text or "").lower())
    if len(text) < 2:
        return {text} if text else set()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def dice(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def containment(query: set[str], doc: set[str]) -> float:
    """How much of what the operator typed appears in the ticket (short queries vs long texts)."""
    if not query or not doc:
        return 0.0
    return len(query & doc) / len(query)


# The same values in the same order as the partial indexes' predicate (migration 0002, rebuilt with
# 挂起's "suspended" by 0006_i16_suspension and with 待审核's "reviewing" by 0008_i16_open_states):
# PostgreSQL uses a partial index only when it can prove the query's IN list implies it.
INDEXED_OPEN_STATES = ["registered", "pending_approval", "approved", "dispatched", "in_progress", "returned",
                       "replied", "reopened", "suspended", "reviewing"]
assert set(INDEXED_OPEN_STATES) == {str(s) for s in OPEN_STATES}, "update the open-ticket indexes' migration too"


def _by_caller(phone: str, citizen_id: int | None = None) -> list[int]:
    if citizen_id is None:
        citizen_id = Citizen.objects.filter(phone=phone).values_list("pk", flat=True).first()
    if citizen_id is None:
        return []
    return list(Ticket.objects.filter(citizen_id=citizen_id, state__in=INDEXED_OPEN_STATES)
                .order_by("-created_at").values_list("pk", flat=True)[:PER_SOURCE])


def _nearest_addresses(address: str) -> list[int]:
    """KNN on the GiST trigram index: the open tickets with the closest addresses."""
    states = INDEXED_OPEN_STATES
    placeholders = ", ".join("%s" for _ in states)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM hotline_ticket WHERE state IN ({placeholders}) AND address <> '' "
            f"ORDER BY address <-> %s LIMIT %s",
            [*states, address, PER_SOURCE],
        )
        return [row[0] for row in cursor.fetchall()]


PLACE_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9]*[省市区县]|某[市区县]")
COMMON_WORDS = ("关于", "反映", "投诉", "咨询", "举报", "建议", "请求", "要求", "问题", "情况", "相关", "的")


def search_core(text: str) -> str:
    """The part of typed text worth an index lookup: district prefixes (A市A3区, 某县) and
    filler words appear in most titles, and their trigrams would match most of the table."""
    core = PLACE_PREFIX.sub("", text)
    for word in COMMON_WORDS:
        core = core.replace(word, "")
    return core.strip()


def _similar_titles(text: str) -> list[int]:
    """Open tickets whose title is trigram-similar (GIN index on open tickets' titles).
    No ORDER BY: the bitmap scan stops after PER_SOURCE matches instead of fetching and
    sorting every loose match (common words match thousands); scoring ranks them after."""
    states = INDEXED_OPEN_STATES
    placeholders = ", ".join("%s" for _ in states)
    with connection.cursor() as cursor:
        if TRGM_THRESHOLD != PG_TRGM_DEFAULT:  # a round trip saved per lookup while they agree
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRGM_THRESHOLD)])
        cursor.execute(
            f"SELECT id FROM hotline_ticket WHERE title %% %s AND state IN ({placeholders}) LIMIT %s",
            [text, *states, PER_SOURCE],
        )
        return [row[0] for row in cursor.fetchall()]


def _recent_open(since: dt.datetime) -> list[int]:
    return list(Ticket.objects.filter(state__in=INDEXED_OPEN_STATES, created_at__gte=since)
                .order_by("-created_at").values_list("pk", flat=True)[:PER_SOURCE * 10])


def candidates(*, text: str, phone: str, address: str, now: dt.datetime,
               citizen_id: int | None = None, title: str = "") -> tuple[list[int], set[int]]:
    ids: list[int] = []
    same_caller: set[int] = set()
    if phone or citizen_id:
        same_caller = set(_by_caller(phone, citizen_id))
        ids += list(same_caller)
    since = now - dt.timedelta(days=RECENT_DAYS)
    if connection.vendor == "postgresql":
        if len(address) >= 3:
            ids += _nearest_addresses(address)
        # A registered ticket's own title is what other titles resemble; typed text has none yet.
        core = search_core((title or text)[:60])
        if len(core) >= MIN_CORE:
            ids += _similar_titles(core)
    elif text or address:
        ids += _recent_open(since)
    return list(dict.fromkeys(ids)), same_caller


def find(*, text: str = "", phone: str = "", address: str = "", exclude_id: int | None = None,
         now: dt.datetime | None = None, citizen_id: int | None = None, title: str = "") -> list[dict]:
    """`citizen_id`: the caller when known (a registered ticket's), instead of looking `phone` up;
    `title`: a registered ticket's title, for the lookup of similar titles (else `text`)."""
    text, address = (text or "").strip()[:TEXT_CHARS], (address or "").strip()[:200]
    phone = normalize_phone(phone) if phone else ""
    ids, same_caller = candidates(text=text, phone=phone, address=address, now=now or timezone.now(),
                                  citizen_id=citizen_id, title=(title or "").strip())
    if exclude_id:
        ids = [i for i in ids if i != exclude_id]
    if not ids:
        return []
    q_text, q_addr = bigrams(text), bigrams(address)
    rows = (Ticket.objects.filter(pk__in=ids)
            .select_related("lead_unit", "category")
            .only("number", "title", "content", "address", "state", "created_at", "citizen_id",
                  "lead_unit__name", "category__name"))
    scored = []
    for t in rows:
        doc = bigrams(f"{t.title}{t.content[:TEXT_CHARS]}")
        text_sim = max(dice(q_text, bigrams(t.title)), containment(q_text, doc)) if q_text else 0.0
        addr_sim = dice(q_addr, bigrams(t.address)) if q_addr and t.address else 0.0
        caller = t.pk in same_caller
        score = 0.6 * text_sim + 0.25 * addr_sim + (0.3 if caller else 0.0)
        if not q_text:  # only a phone or address typed so far: rank on what there is
            score = 0.5 * addr_sim + (0.5 if caller else 0.0)
        reasons = []
        if caller:
            reasons.append("同一来电人")
        if addr_sim >= 0.5:
            reasons.append("地址相近")
        if text_sim >= 0.4:
            reasons.append("内容相似")
        if score >= MIN_SCORE and reasons:
            scored.append((round(min(score, 1.0), 3), t, reasons))
    scored.sort(key=lambda r: -r[0])
    # Labels and times only for the few shown: a lazy label costs a translation lookup each time.
    return [{
        "id": t.pk, "number": t.number, "title": t.title, "state": t.state,
        "state_label": t.get_state_display(), "created_at": timezone.localtime(t.created_at).isoformat(),
        "lead_unit": t.lead_unit.name if t.lead_unit_id else None,
        "category": t.category.name if t.category_id else None,
        "score": score, "reasons": reasons,
    } for score, t, reasons in scored[:RESULTS]]
