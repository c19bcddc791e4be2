"""The one SMPP session (bind_transceiver) and its loop.

smpplib encodes and decodes PDUs and owns the socket; this loop decides when to read,
what to submit, and what to do with every PDU, because the socket is not thread-safe
and the order of "commit, then answer the SMSC" matters (see store.py).

One thread does everything, in turn:
  read whatever PDUs are waiting -> commit their effects -> answer deliver_sm;
  watchdog (responses overdue, enquire_link unanswered) -> drop and reconnect;
  claim queued parts within the window and the rate -> submit_sm.
"""
import contextlib
import logging
import select
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp
from django.db import close_old_connections
from django.utils import timezone

from ops import trace

from .. import codec
from ..intake import handle_inbound
from ..models import Message
from ..monitoring import GATEWAY_BEAT_SECONDS, count_sent, gateway_alive
from . import store
from .throttle import Throttle

logger = logging.getLogger("sms_gateway.smpp")

ESME_ROK = 0x00
ESME_RX_T_APPN = 0x64  # "temporary application error": the SMSC will deliver it again
HOUSEKEEPING_SECONDS = 1.0
REPORT_SECONDS = 60.0
MAX_BATCH = 256


def log_submitted(message_ids: list[int]) -> None:
    """One line per message going to the SMSC, under the request id that caused it (a ticket
    event's notice: ops.trace), so a registration can be followed to its receipt SMS."""
    if not message_ids:
        return
    rows = list(Message.objects.filter(pk__in=message_ids).values_list("pk", "sid", "ticket_id", "dedupe_key"))
    event_of = {pk: int(key.split(":")[1]) for pk, _, _, key in rows
                if key and key.count(":") >= 2 and key.split(":")[1].isdigit()}
    request_of = trace.recall_events(set(event_of.values()))
    for pk, sid, ticket_id, _ in rows:
        extra = {"message_sid": sid, "ticket_id": ticket_id}
        request_id = request_of.get(event_of.get(pk))
        if request_id:
            extra["request_id"] = request_id
        logger.info("submit_sm %s (ticket %s)", sid, ticket_id, extra=extra)


class SessionEnded(Exception):
    """The session is over (SMSC unbind, watchdog, socket closed); reconnect."""


EXPECTED = (SessionEnded, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError,
            smpplib.exceptions.UnknownCommandError, OSError)


@dataclass(frozen=True)
class SmppUrl:
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""

    @classmethod
    def parse(cls, url: str) -> "SmppUrl":
        parts = urlsplit(url)
        if parts.scheme not in ("smpp", "ssmpp") or not parts.hostname:
            raise ValueError("SMPP_URL 应形如 smpp://system_id:password@host:port")
        query = parse_qs(parts.query)
        return cls(host=parts.hostname, port=parts.port or 2775, system_id=unquote(parts.username or ""),
                   password=unquote(parts.password or ""), system_type=query.get("system_type", [""])[0])


@dataclass
class Options:
    rate: float = 100.0
    window: int = 10
    enquire_link_seconds: float = 30.0
    response_timeout: float = 10.0
    doubt_seconds: float = 120.0
    reconnect_initial: float = 1.0
    reconnect_max: float = 60.0
    poll_interval: float = 0.05
    retry_delay: float = 1.0


@dataclass
class Stats:
    sessions: int = 0
    submitted: int = 0
    accepted: int = 0
    throttled: int = 0
    receipts: int = 0
    mo: int = 0
    reconnects: int = 0
    last_error: str = ""


class Gateway:
    def __init__(self, url: str, options: Options | None = None):
        self.url = SmppUrl.parse(url)
        self.options = options or Options()
        self.stop_event = threading.Event()
        self.stats = Stats()
        self.client: smpplib.client.Client | None = None
        self.session_id = ""
        self.bound = threading.Event()

    # --- outer loop: connect, run, reconnect with backoff -------------------------
    def run(self) -> None:
        recovered = store.recover_in_flight()
        if recovered:
            logger.warning("%s part(s) were on the wire when the last gateway stopped: now in doubt", recovered)
        delay = self.options.reconnect_initial
        while not self.stop_event.is_set():
            started = time.monotonic()
            close_old_connections()  # a database connection broken in the last session is replaced
            try:
                self._run_session()
            except EXPECTED as exc:
                self.stats.last_error = str(exc) or exc.__class__.__name__
                logger.warning("SMPP session ended: %s", self.stats.last_error)
            except Exception as exc:  # a bug or the database: log it whole, and start over
                self.stats.last_error = repr(exc)
                logger.exception("SMPP session failed")
            finally:
                try:
                    self._close()
                except Exception:  # e.g. the database is down; recover_in_flight() fixes it at start-up
                    logger.exception("could not close the SMPP session cleanly")
                    close_old_connections()
            if self.stop_event.is_set():
                break
            if time.monotonic() - started > 30:
                delay = self.options.reconnect_initial
            self.stats.reconnects += 1
            logger.info("reconnecting to %s:%s in %.1fs", self.url.host, self.url.port, delay)
            self.stop_event.wait(delay)
            delay = min(self.options.reconnect_max, delay * 2)

    def stop(self) -> None:
        self.stop_event.set()

    def _close(self) -> None:
        if self.bound.is_set():
            gateway_alive(bound=False)
        self.bound.clear()
        client, self.client = self.client, None
        if self.session_id:
            in_doubt = store.session_ended(self.session_id)
            if in_doubt:
                logger.warning("%s submit(s) unanswered when the session ended: in doubt", in_doubt)
        if client is not None:
            with contextlib.suppress(Exception):  # closing anyway
                if client.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TRX and self.stop_event.is_set():
                    client.unbind()
            with contextlib.suppress(Exception):
                client.disconnect()

    # --- one session ---------------------------------------------------------------
    def _run_session(self) -> None:
        options = self.options
        client = smpplib.client.Client(self.url.host, self.url.port, timeout=options.response_timeout,
                                       allow_unknown_opt_params=True, logger_name="sms_gateway.smpp.client")
        self.client = client
        client.connect()
        client.bind_transceiver(system_id=self.url.system_id, password=self.url.password,
                                system_type=self.url.system_type)
        self.session_id = uuid.uuid4().hex[:16]
        self.stats.sessions += 1
        self.bound.set()
        self.bound_since = timezone.now()
        gateway_alive(bound=True, session=self.session_id)
        self.next_beat = time.monotonic() + GATEWAY_BEAT_SECONDS
        logger.info("bound to %s:%s as %s (session %s)", self.url.host, self.url.port, self.url.system_id,
                    self.session_id)
        now = time.monotonic()
        self.outstanding: dict[int, tuple[int, float]] = {}
        self.enquire_sent: float | None = None
        self.last_rx = now
        self.idle_until = 0.0
        self.unbound = False
        self.next_housekeeping = now
        self.next_report = now + REPORT_SECONDS
        self.throttle = Throttle(options.rate, now)
        sock = client._socket
        drain_until = None
        while True:
            now = time.monotonic()
            if self.stop_event.is_set():
                # Stopping: submit nothing new, and wait a little for answers to what is out.
                drain_until = drain_until or now + options.response_timeout
                if not self.outstanding or now > drain_until:
                    return
                self.idle_until = now + 3600
            room = options.window - len(self.outstanding)
            wants_to_send = room > 0 and now >= self.idle_until
            timeout = options.poll_interval
            if wants_to_send:
                timeout = min(timeout, self.throttle.wait(now))
            responses, receipts, mos = [], [], []
            if select.select([sock], [], [], max(0.0, timeout))[0]:
                responses, receipts, mos = self._read_batch(sock)
            now = time.monotonic()
            self._throttle_feedback(responses, now)
            self._watchdog(now)
            if now >= self.next_housekeeping:
                self._housekeeping()
                self.next_housekeeping = now + HOUSEKEEPING_SECONDS
            allowed = 0
            if now >= self.idle_until:
                allowed = max(0, min(options.window - len(self.outstanding), self.throttle.available(now)))
            if responses or receipts or allowed:
                claimed = self._step(responses, receipts, allowed)
                self._submit(claimed)
                if allowed and not claimed:
                    self.idle_until = now + options.poll_interval
            for pdu in mos:
                self._handle_mo(pdu)
            if self.unbound:
                raise SessionEnded("SMSC 发起 unbind")

    def _send(self, pdu) -> None:
        self.client.send_pdu(pdu)

    def _respond(self, command: str, sequence: int, status: int = ESME_ROK) -> None:
        pdu = smpplib.smpp.make_pdu(command, client=self.client, status=status)
        pdu.sequence = sequence
        self._send(pdu)

    # --- reading -------------------------------------------------------------------
    def _read_batch(self, sock) -> tuple[list, list, list]:
        """Read every PDU already waiting; answer what needs no database at once."""
        responses, receipts, mos = [], [], []
        for _ in range(MAX_BATCH):
            pdu = self.client.read_pdu()
            self.last_rx = time.monotonic()
            command = pdu.command
            if command == "submit_sm_resp" or (command == "generic_nack" and pdu.sequence in self.outstanding):
                entry = self.outstanding.pop(pdu.sequence, None)
                if entry is not None:
                    message_id = (pdu.message_id or b"").decode("latin-1") if command == "submit_sm_resp" else ""
                    status = pdu.status if command == "submit_sm_resp" else (pdu.status or 0x08)
                    responses.append((entry[0], status, message_id.strip("\x00")))
            elif command == "deliver_sm":
                (receipts if codec.is_receipt(pdu.esm_class) else mos).append(pdu)
            elif command == "enquire_link":
                self._respond("enquire_link_resp", pdu.sequence)
            elif command == "enquire_link_resp":
                self.enquire_sent = None
            elif command == "unbind":
                self._respond("unbind_resp", pdu.sequence)
                self.unbound = True
                break
            elif command == "generic_nack":
                logger.warning("generic_nack from SMSC, status 0x%08X", pdu.status or 0)
            else:
                logger.warning("unhandled SMPP command %s", command)
            if not select.select([sock], [], [], 0)[0]:
                break
        return responses, receipts, mos

    def _throttle_feedback(self, responses, now: float) -> None:
        count_sent("smpp", sum(1 for _, status, _ in responses if status == 0))
        for _, status, _ in responses:
            if status == 0:
                self.stats.accepted += 1
                self.throttle.accepted()
            elif status in store.THROTTLING:
                self.stats.throttled += 1
                self.throttle.throttled(now)
        if any(status in store.THROTTLING for _, status, _ in responses):
            logger.info("SMSC throttling: rate now %.1f/s, pause %.2fs", self.throttle.rate, self.throttle.pause)

    def _step(self, responses, receipt_pdus, claim_limit: int):
        """Commit the answers, the receipts and the next claim together, then tell the SMSC."""
        parsed = [codec.parse_receipt(
            short_message=pdu.short_message or b"", receipted_message_id=pdu.receipted_message_id,
            message_state=pdu.message_state, user_message_reference=pdu.user_message_reference,
            source_addr=pdu.source_addr) for pdu in receipt_pdus]
        try:
            claimed = store.step(responses=responses, receipts=[r for r in parsed if r is not None],
                                 claim_limit=claim_limit, session_id=self.session_id,
                                 retry_delay=self.options.retry_delay)
        except Exception:
            logger.exception("could not store %s response(s) / %s receipt(s); the SMSC will resend the receipts",
                             len(responses), len(receipt_pdus))
            for pdu in receipt_pdus:
                self._respond("deliver_sm_resp", pdu.sequence, ESME_RX_T_APPN)
            raise
        self.stats.receipts += len(receipt_pdus)
        for pdu in receipt_pdus:
            self._respond("deliver_sm_resp", pdu.sequence, ESME_ROK)
        return claimed

    def _handle_mo(self, pdu) -> None:
        sar = None
        if pdu.sar_msg_ref_num is not None and pdu.sar_total_segments:
            sar = (pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum or 1)
        inbound = store.Inbound(
            source=(pdu.source_addr or b"").decode("latin-1"),
            destination=(pdu.destination_addr or b"").decode("latin-1"),
            esm_class=pdu.esm_class or 0, data_coding=pdu.data_coding or 0,
            short_message=bytes(pdu.short_message or pdu.message_payload or b""), sar=sar,
        )
        try:
            message = store.accept_mo(inbound)
        except Exception:
            logger.exception("could not store MO from %s; the SMSC will deliver it again", inbound.source)
            self._respond("deliver_sm_resp", pdu.sequence, ESME_RX_T_APPN)
            return
        self._respond("deliver_sm_resp", pdu.sequence, ESME_ROK)
        self.stats.mo += 1
        if message is not None:
            handle_inbound(message)

    # --- keeping the link honest -------------------------------------------------------
    def _watchdog(self, now: float) -> None:
        timeout = self.options.response_timeout
        if self.outstanding:
            oldest = min(sent for _, sent in self.outstanding.values())
            if now - oldest > timeout:
                raise SessionEnded(f"{len(self.outstanding)} 条 submit_sm 超过 {timeout:g} 秒无响应")
        if self.enquire_sent is not None and now - self.enquire_sent > timeout:
            raise SessionEnded(f"enquire_link 超过 {timeout:g} 秒无响应")
        if self.enquire_sent is None and now - self.last_rx >= self.options.enquire_link_seconds:
            self.enquire_sent = now
            self._send(smpplib.smpp.make_pdu("enquire_link", client=self.client))

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now >= self.next_beat:  # /api/health/ and /metrics read it: the session is bound
            self.next_beat = now + GATEWAY_BEAT_SECONDS
            gateway_alive(bound=True, session=self.session_id)
        if now >= self.next_report:
            self.next_report = now + REPORT_SECONDS
            s = self.stats
            logger.info("SMPP: %s submitted, %s accepted, %s throttled, %s receipts, %s MO, %s reconnects; "
                        "rate %.0f/s, %s awaiting response", s.submitted, s.accepted, s.throttled, s.receipts,
                        s.mo, s.reconnects, self.throttle.rate, len(self.outstanding))
        store.release_doubtful(self.options.doubt_seconds, bound_since=self.bound_since)
        for message in store.flush_stale_mo():
            handle_inbound(message)
        for message in store.pending_intake():
            handle_inbound(message)

    # --- sending -----------------------------------------------------------------------
    def _submit(self, claimed) -> None:
        log_submitted([part.message_id for part in claimed if part.seq == 1])
        for part in claimed:
            pdu = smpplib.smpp.make_pdu(
                "submit_sm", client=self.client,
                service_type="", source_addr_ton=0, source_addr_npi=0, source_addr=part.from_number,
                dest_addr_ton=0, dest_addr_npi=1, destination_addr=part.to_number,
                esm_class=codec.ESM_UDHI if part.total > 1 else 0, protocol_id=0, priority_flag=0,
                registered_delivery=1, replace_if_present_flag=0, data_coding=codec.UCS2,
                short_message=part.payload, user_message_reference=part.umr,
            )
            self._send(pdu)
            self.outstanding[pdu.sequence] = (part.part_id, time.monotonic())
            self.throttle.consume(time.monotonic())
            self.stats.submitted += 1
