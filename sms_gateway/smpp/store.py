"""What the SMPP session writes, each step committed before the SMSC is told anything
that depends on it.

Exactly once, as far as the SMSC can tell:
- claim: a conditional UPDATE moves a part queued -> submitting and commits *before*
  its submit_sm is written, so no part goes out twice from two sessions or processes;
- response: submitting -> accepted (with the SMSC's message id), or back to queued
  when the SMSC said it did not take it (throttled, queue full);
- a session that ends with parts still awaiting a response leaves them in_doubt: the
  SMSC may or may not have them. They are not resent at once. A receipt naming their
  user_message_reference (which SMPP 3.4 SMSCs echo in deliver_sm) proves the SMSC had
  them; only when none comes within SMS_SMPP_DOUBT_SECONDS of a bound link is the part
  resent (a duplicate is then possible, a loss is not).
Inbound: a deliver_sm is stored (or recognised as a re-delivery) and committed before
its deliver_sm_resp, so the SMSC re-delivers anything that was not safely kept.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import codec
from ..models import InboundPart, IntakeState, Message, MessagePart, PartState, Status
from ..monitoring import count_failed
from ..status import RANK, set_status
from ..transports import TransportError

logger = logging.getLogger(__name__)

# SMPP command_status values that mean "not taken, try later" (and slow down).
ESME_RMSGQFUL = 0x14
ESME_RTHROTTLED = 0x58
THROTTLING = {ESME_RMSGQFUL, ESME_RTHROTTLED}
TEMPORARY = THROTTLING | {0x08, 0x64, 0x45, 0x61}  # RSYSERR, RX_T_APPN, RSUBMITFAIL, RINVSCHED
ERROR_NAMES = {0x01: "ESME_RINVMSGLEN", 0x08: "ESME_RSYSERR", 0x0A: "ESME_RINVSRCADR", 0x0B: "ESME_RINVDSTADR",
               0x14: "ESME_RMSGQFUL", 0x45: "ESME_RSUBMITFAIL", 0x58: "ESME_RTHROTTLED", 0x64: "ESME_RX_T_APPN",
               0x65: "ESME_RX_P_APPN", 0x66: "ESME_RX_R_APPN"}
PERMANENT_CODES = {0x0B: 30005, 0x0A: 21212}  # SMPP status -> Twilio error code (else 30008)


@dataclass(frozen=True)
class Claimed:
    part_id: int
    message_id: int
    seq: int
    total: int
    payload: bytes
    umr: int
    to_number: str
    from_number: str


def _now():
    return timezone.now()


def recover_in_flight() -> int:
    """At start-up: whatever a previous process had on the wire is in doubt now."""
    return MessagePart.objects.filter(state=PartState.SUBMITTING).update(
        state=PartState.IN_DOUBT, doubt_since=_now())


def session_ended(session_id: str) -> int:
    return MessagePart.objects.filter(state=PartState.SUBMITTING, session=session_id).update(
        state=PartState.IN_DOUBT, doubt_since=_now())


def _claim(limit: int, session_id: str) -> list[Claimed]:
    if limit <= 0:
        return []
    now = _now()
    candidates = (MessagePart.objects.filter(state=PartState.QUEUED).exclude(next_try_at__gt=now).order_by("id")
                  .values_list("id", "message_id", "seq", "total", "payload", "message__to_number",
                               "message__from_number"))
    if connection.features.has_select_for_update_skip_locked:
        # Locked rows are skipped, not waited for: a second gateway (by mistake) takes other parts.
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    rows = list(candidates[:limit])
    if not rows:
        return []
    ids = [r[0] for r in rows]
    # The conditional update is the claim: only rows still queued move, and only those are sent.
    moved = MessagePart.objects.filter(pk__in=ids, state=PartState.QUEUED).update(
        state=PartState.SUBMITTING, session=session_id, submitted_at=now, attempts=F("attempts") + 1,
        umr=F("id") % 65536,
    )
    if moved != len(ids):  # someone else claimed some in between (no row locks on this database)
        mine = set(MessagePart.objects.filter(pk__in=ids, session=session_id, state=PartState.SUBMITTING)
                   .values_list("id", flat=True))
        rows = [r for r in rows if r[0] in mine]
    claimed = [Claimed(r[0], r[1], r[2], r[3], bytes(r[4]), r[0] % 65536, r[5], r[6]) for r in rows]
    Message.objects.filter(pk__in={c.message_id for c in claimed}, status=Status.QUEUED).update(
        status=Status.SENDING, date_updated=now)
    return claimed


def _error_text(status: int) -> str:
    return f"短信中心拒绝：{ERROR_NAMES.get(status, 'SMPP')} (0x{status:08X})"


def submit_error(status: int) -> TransportError:
    """What a non-zero submit_sm_resp means: retry later (throttled, busy) or give up."""
    return TransportError(_error_text(status), permanent=status not in TEMPORARY,
                          code=PERMANENT_CODES.get(status, 30008))


def _record_responses(results: list[tuple[int, int, str]], *, retry_delay: float = 1.0) -> set[int]:
    """results: (part_id, command_status, message_id) from submit_sm_resp (or generic_nack).
    The common case (accepted) is one statement for the whole batch; errors read the part."""
    now = _now()
    accepted = [(PartState.ACCEPTED.value, smsc_id or None, now, part_id,  # .value: a driver may adapt
                 PartState.SUBMITTING.value, PartState.IN_DOUBT.value)      # an enum by its name
                for part_id, status, smsc_id in results if status == 0]
    touched = {row[0] for rows in _returning(
        "UPDATE {table} SET state = %s, smsc_message_id = %s, accepted_at = %s, doubt_since = NULL "
        "WHERE id = %s AND state IN (%s, %s) RETURNING message_id", accepted) for row in rows}
    errors = [(part_id, status) for part_id, status, _ in results if status != 0]
    parts = MessagePart.objects.select_for_update().in_bulk([part_id for part_id, _ in errors]) if errors else {}
    for part_id, status in errors:
        part = parts.get(part_id)
        if part is None:
            continue
        touched.add(part.message_id)
        error = submit_error(status)
        if not error.permanent and part.attempts < settings.SMS_SMPP_MAX_ATTEMPTS:
            delay = retry_delay if status in THROTTLING else retry_delay * 2 ** part.attempts
            MessagePart.objects.filter(pk=part_id, state=PartState.SUBMITTING).update(
                state=PartState.QUEUED, next_try_at=now + timedelta(seconds=min(delay, 300)), error_code=status)
        else:
            _fail_message(Message.objects.get(pk=part.message_id), status)
    return touched


def _returning(sql: str, rows: list[tuple]) -> list[list[tuple]]:
    """Run an UPDATE … RETURNING for each row; the rows each returned, in order. On PostgreSQL
    one pipelined executemany: one round trip for the whole batch."""
    sql, out = sql.format(table=MessagePart._meta.db_table), []
    if not rows:
        return out
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            raw.executemany(sql, rows, returning=True)
            while True:
                out.append(raw.fetchall())
                if not raw.nextset():
                    break
        else:
            for row in rows:
                cursor.execute(sql, row)
                out.append(cursor.fetchall())
    return out


def _fail_message(message: Message, status: int) -> None:
    MessagePart.objects.filter(message=message).exclude(
        state__in=[PartState.ACCEPTED, PartState.DELIVERED, PartState.UNDELIVERED]
    ).update(state=PartState.FAILED, error_code=status, done_at=_now())
    error = submit_error(status)
    set_status(message, Status.FAILED, error_code=error.code, error_message=error.message)
    count_failed("smpp")


def _refresh(message_ids) -> None:
    """Status from the parts: sent once the SMSC has every part; delivered once every part
    arrived; undelivered as soon as one part cannot be. Messages without a StatusCallback
    move in one UPDATE per status; the others one by one, as each change owes a POST."""
    if not message_ids:
        return
    states: dict[int, list[tuple[str, int | None]]] = {}
    current = {}
    for message_id, state, error, status, callback in MessagePart.objects.filter(
            message_id__in=message_ids).values_list("message_id", "state", "error_code", "message__status",
                                                     "message__status_callback"):
        states.setdefault(message_id, []).append((state, error))
        current[message_id] = (status, callback)
    bulk: dict[str, list[int]] = {Status.SENT: [], Status.DELIVERED: []}
    for message_id, parts in states.items():
        status, callback = current.get(message_id, (Status.FAILED, ""))
        kinds = {state for state, _ in parts}
        failed = [error for state, error in parts if state == PartState.UNDELIVERED]
        if failed:
            target = Status.UNDELIVERED
        elif kinds == {PartState.DELIVERED}:
            target = Status.DELIVERED
        elif kinds <= {PartState.ACCEPTED, PartState.DELIVERED}:
            target = Status.SENT
        else:
            continue
        if RANK[target] <= RANK[status]:
            continue
        if callback or target == Status.UNDELIVERED:
            message = Message.objects.get(pk=message_id)
            if target != Status.SENT:
                set_status(message, Status.SENT)  # a callback sees "sent" before the verdict
            set_status(message, target, error_code=(failed[0] or 30008) if failed else None,
                       error_message="短信中心回执：未能送达手机" if failed else "")
        else:
            bulk[target].append(message_id)
    now = _now()
    for target, ids in bulk.items():
        if ids:
            Message.objects.filter(pk__in=ids).update(status=target, date_sent=Coalesce("date_sent", Value(now)),
                                                      date_updated=now)


def _find_part(receipt: codec.Receipt) -> MessagePart | None:
    """The part a receipt the fast path did not place is for. Its reference (umr) and number
    first: a part in doubt is exactly what the receipt names. Only then another spelling of the
    SMSC's id (hex for decimal), for the same number: ids 93 and 147 are one number in decimal
    and hex, and a receipt taken by the wrong part leaves the right one in doubt, to be sent twice."""
    def same_number(part: MessagePart) -> bool:
        return not receipt.destination or part.message.to_number == receipt.destination

    if receipt.umr is not None:
        # The SMSC took a submit whose response we never saw: recognise it by its reference.
        candidates = MessagePart.objects.filter(
            umr=receipt.umr, state__in=[PartState.IN_DOUBT, PartState.SUBMITTING],
        ).select_related("message")
        for part in candidates:
            if same_number(part):
                part.smsc_message_id = receipt.message_id
                part.accepted_at = part.accepted_at or _now()
                logger.info("in-doubt part %s resolved by receipt %s", part.pk, receipt.message_id)
                return part
    for smsc_id in codec.alternate_ids(receipt.message_id):
        part = MessagePart.objects.filter(smsc_message_id=smsc_id).select_related("message").order_by("-id").first()
        if part and same_number(part):
            return part
    return None


def _apply_receipts(receipts: list[codec.Receipt]) -> set[int]:
    """Fast path: one pipelined UPDATE … RETURNING per batch for parts known by their SMSC id.
    What that does not find (an in-doubt part, an id in another spelling) goes the slow way."""
    now, touched, slow = _now(), set(), []
    final = (PartState.DELIVERED.value, PartState.UNDELIVERED.value)
    verdicts, pending = [], []
    for receipt in receipts:
        outcome, code = receipt.outcome
        if outcome is None:
            pending.append((receipt.message_id, *final))
        else:
            verdicts.append((outcome, now, code, receipt.message_id, *final))
    verdict_rows = _returning(
        "UPDATE {table} SET state = %s, done_at = %s, error_code = %s, doubt_since = NULL "
        "WHERE smsc_message_id = %s AND state NOT IN (%s, %s) RETURNING message_id", verdicts)
    pending_rows = _returning(  # ACCEPTD / ENROUTE: the SMSC has it, no verdict yet
        "UPDATE {table} SET doubt_since = NULL WHERE smsc_message_id = %s AND state NOT IN (%s, %s) "
        "RETURNING message_id", pending)
    by_id: dict[str, list] = {}
    for row, rows in zip(verdicts, verdict_rows, strict=True):
        by_id.setdefault(row[3], []).extend(rows)
    for row, rows in zip(pending, pending_rows, strict=True):
        by_id.setdefault(row[0], []).extend(rows)
    for receipt in receipts:
        rows = by_id.get(receipt.message_id)
        if rows:
            touched |= {r[0] for r in rows}
        else:
            slow.append(receipt)
    for receipt in slow:
        part = _find_part(receipt)
        if part is None:
            if not MessagePart.objects.filter(smsc_message_id=receipt.message_id).exists():
                logger.warning("receipt for unknown message id %s (%s)", receipt.message_id, receipt.stat)
            continue
        if part.state in (PartState.DELIVERED, PartState.UNDELIVERED):
            continue
        outcome, code = receipt.outcome
        fields = {"state": outcome or PartState.ACCEPTED, "doubt_since": None,
                  "smsc_message_id": part.smsc_message_id, "accepted_at": part.accepted_at}
        if outcome:
            fields |= {"done_at": now, "error_code": code}
        MessagePart.objects.filter(pk=part.pk).update(**fields)
        touched.add(part.message_id)
    return touched


@transaction.atomic
def claim(limit: int, session_id: str) -> list[Claimed]:
    return _claim(limit, session_id)


@transaction.atomic
def record_responses(results, *, retry_delay: float = 1.0) -> None:
    _refresh(_record_responses(results, retry_delay=retry_delay))


@transaction.atomic
def apply_receipts(receipts: list[codec.Receipt]) -> None:
    _refresh(_apply_receipts(receipts))


@transaction.atomic
def step(*, responses, receipts, claim_limit: int, session_id: str, retry_delay: float = 1.0) -> list[Claimed]:
    """One loop turn in one transaction (one commit): what the SMSC answered, what it reported,
    and the next parts to submit. Nothing is sent to the SMSC until this has committed."""
    touched = set()
    if responses:
        touched |= _record_responses(responses, retry_delay=retry_delay)
    if receipts:
        touched |= _apply_receipts(receipts)
    _refresh(touched)
    return _claim(claim_limit, session_id)


def release_doubtful(doubt_seconds: float, *, bound_since: datetime) -> int:
    """In doubt for long enough with no receipt: the SMSC never had it; send again.

    Only time on a bound link counts: receipts arrive over a session, and an SMSC that was
    down (or restarting) while the doubt began sends what it stored soon after the next
    bind. Counting the outage too resent, as a duplicate, what the SMSC had taken."""
    cutoff = _now() - timedelta(seconds=doubt_seconds)
    if bound_since > cutoff:
        return 0
    stale = MessagePart.objects.filter(state=PartState.IN_DOUBT, doubt_since__lte=cutoff)
    released = stale.filter(attempts__lt=settings.SMS_SMPP_MAX_ATTEMPTS).update(
        state=PartState.QUEUED, next_try_at=None, doubt_since=None)
    for part in stale.select_related("message"):  # what is left ran out of attempts
        with transaction.atomic():
            _fail_message(part.message, 0x08)
    if released:
        logger.warning("%s in-doubt part(s) had no receipt in %ss: resending", released, doubt_seconds)
    return released


# --- inbound ----------------------------------------------------------------

@dataclass(frozen=True)
class Inbound:
    source: str
    destination: str
    esm_class: int
    data_coding: int
    short_message: bytes
    sar: tuple[int, int, int] | None = None  # (ref, total, seq) from SAR TLVs


def _recent(seconds: int):
    return _now() - timedelta(seconds=seconds)


@transaction.atomic
def accept_mo(mo: Inbound) -> Message | None:
    """Store one deliver_sm. Returns the Message once the text is complete (None while parts
    are still missing, or when the SMSC delivered a copy of something already kept)."""
    from ..intake import receive

    source = codec.normalize_number(mo.source)
    concat, body = codec.split_udh(mo.esm_class, mo.short_message)
    if concat is None and mo.sar and mo.sar[1] > 1:
        concat = codec.Concat(*mo.sar)
    digest = codec.content_hash(source, mo.destination, mo.esm_class, mo.data_coding, mo.short_message, mo.sar or "")
    window = _recent(settings.SMS_INBOUND_DEDUPE_SECONDS)
    if concat is None or concat.total <= 1:
        if Message.objects.filter(from_number=source, content_hash=digest, date_created__gte=window).exists():
            logger.info("duplicate MO from %s dropped", source)
            return None
        text, clean = codec.decode_text(mo.data_coding, body)
        meta = {"data_coding": mo.data_coding, "parts": 1}
        if not clean:
            meta |= {"decode_error": True, "raw": body.hex()}
        return receive(from_number=source, to_number=mo.destination, body=text, transport="smpp",
                       content_hash=digest, meta=meta)
    if InboundPart.objects.filter(source=source, content_hash=digest, received_at__gte=window).exists():
        logger.info("duplicate MO part from %s dropped", source)
        return None
    InboundPart.objects.create(source=source, destination=mo.destination, ref=concat.ref, total=concat.total,
                               seq=concat.seq, data_coding=mo.data_coding, payload=body, content_hash=digest)
    group = InboundPart.objects.filter(source=source, ref=concat.ref, total=concat.total, message__isnull=True,
                                       received_at__gte=_recent(settings.SMS_MO_REASSEMBLY_SECONDS))
    if group.values("seq").distinct().count() < concat.total:
        return None
    return _assemble(list(group.order_by("seq", "id")), complete=True)


def _assemble(parts: list[InboundPart], *, complete: bool) -> Message:
    from ..intake import receive

    by_seq: dict[int, InboundPart] = {}
    for part in parts:
        by_seq.setdefault(part.seq, part)
    first = next(iter(by_seq.values()))
    total = first.total
    pieces, clean_all, raw = [], True, []
    payload = b"".join(bytes(by_seq[s].payload) for s in sorted(by_seq))
    if complete:
        text, clean_all = codec.decode_text(first.data_coding, payload)
        pieces.append(text)
    else:  # decode piece by piece so the gap can be marked where it is
        for seq in range(1, total + 1):
            if seq in by_seq:
                text, clean = codec.decode_text(first.data_coding, bytes(by_seq[seq].payload))
                clean_all &= clean
                pieces.append(text)
            else:
                pieces.append(f"【第{seq}段缺失】")
    if not clean_all:
        raw.append(payload.hex())
    meta = {"data_coding": first.data_coding, "parts": total, "received_parts": sorted(by_seq)}
    if not complete:
        meta["incomplete"] = True
    if raw:
        meta |= {"decode_error": True, "raw": raw[0]}
    message = receive(from_number=first.source, to_number=first.destination, body="".join(pieces),
                      transport="smpp", num_segments=total,
                      content_hash=codec.content_hash(*[p.content_hash for p in parts]), meta=meta)
    InboundPart.objects.filter(pk__in=[p.pk for p in parts]).update(message=message)
    return message


def flush_stale_mo() -> list[Message]:
    """A long text whose last part never came is kept with the gap marked, not dropped."""
    cutoff = _recent(settings.SMS_MO_REASSEMBLY_SECONDS)
    groups = (InboundPart.objects.filter(message__isnull=True, received_at__lt=cutoff)
              .values_list("source", "ref", "total").distinct())
    out = []
    for source, ref, total in list(groups):
        with transaction.atomic():
            parts = list(InboundPart.objects.select_for_update().filter(
                source=source, ref=ref, total=total, message__isnull=True).order_by("seq", "id"))
            if parts:
                out.append(_assemble(parts, complete=False))
    return out


def pending_intake(older_than_seconds: int = 30) -> list[Message]:
    """Inbound texts stored but not yet acted on (the process stopped in between)."""
    return list(Message.objects.filter(intake_state=IntakeState.PENDING,
                                       date_created__lt=_recent(older_than_seconds)).order_by("id")[:50])
