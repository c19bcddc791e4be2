"""SMS text <-> SMPP bytes: UCS2 parts with a concatenation header, MO decoding, receipts.

Pure functions, no database and no socket, so every rule here is tested on its own.
"""
import hashlib
import re
from dataclasses import dataclass

UCS2 = 0x08
GBK = 0x0F  # used by Chinese SMSCs (CMPP heritage) for MO
SINGLE_UNITS = 70  # UTF-16 code units in one UCS2 message
PART_UNITS = 67  # per part once the 6-byte concatenation header takes its room
MAX_PARTS = 255

ESM_UDHI = 0x40
ESM_TYPE_MASK = 0x3C
ESM_RECEIPT = 0x04

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_number(raw: str) -> str:
    """'+86 138-1234-5678', '008613812345678', '8613812345678' -> '13812345678'."""
    number = re.sub(r"[\s\-()]", "", raw or "")
    number = re.sub(r"^(\+86|0086)", "", number)
    if re.fullmatch(r"861[3-9]\d{9}", number):
        number = number[2:]
    return number


def is_mobile(number: str) -> bool:
    return bool(MOBILE_RE.match(number or ""))


def with_signature(body: str, signature: str) -> str:
    return body if not signature or body.startswith(signature) else signature + body


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def split_units(text: str) -> list[str]:
    """Split into parts of at most 67 UTF-16 units, never between a surrogate pair."""
    if sum(_units(c) for c in text) <= SINGLE_UNITS:
        return [text]
    parts, current, used = [], [], 0
    for char in text:
        size = _units(char)
        if used + size > PART_UNITS:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    if current:
        parts.append("".join(current))
    return parts


def segment_count(text: str) -> int:
    return len(split_units(text))


def encode_parts(text: str, ref: int) -> list[bytes]:
    """The short_message of each submit_sm: UCS2, with a UDH (IEI 0x00, 8-bit ref) when long."""
    chunks = split_units(text)
    if len(chunks) > MAX_PARTS:
        raise ValueError("message too long for 255 parts")
    if len(chunks) == 1:
        return [chunks[0].encode("utf-16-be")]
    total = len(chunks)
    return [
        bytes([0x05, 0x00, 0x03, ref & 0xFF, total, seq]) + chunk.encode("utf-16-be")
        for seq, chunk in enumerate(chunks, start=1)
    ]


@dataclass(frozen=True)
class Concat:
    ref: int
    total: int
    seq: int


def split_udh(esm_class: int, short_message: bytes) -> tuple[Concat | None, bytes]:
    """Take a concatenation header (8- or 16-bit reference) off the front of a UDHI message."""
    if not esm_class & ESM_UDHI or not short_message:
        return None, short_message
    udhl = short_message[0]
    header, body = short_message[1:1 + udhl], short_message[1 + udhl:]
    concat, pos = None, 0
    while pos + 2 <= len(header):
        iei, length = header[pos], header[pos + 1]
        value = header[pos + 2:pos + 2 + length]
        if iei == 0x00 and length == 3:
            concat = Concat(value[0], value[1], value[2])
        elif iei == 0x08 and length == 4:
            concat = Concat((value[0] << 8) | value[1], value[2], value[3])
        pos += 2 + length
    if concat and not (1 <= concat.seq <= concat.total):
        concat = None
    return concat, body


def decode_text(data_coding: int, payload: bytes) -> tuple[str, bool]:
    """Decode an MO payload. Returns (text, clean); bytes that do not decode become U+FFFD
    and clean is False, so the message is kept and flagged rather than dropped."""
    coding = data_coding & 0xFF
    codec = {UCS2: "utf-16-be", GBK: "gbk", 0x03: "latin-1"}.get(coding)
    if codec is None and coding in (0x00, 0x01):
        codec = "ascii"
    if codec is None:
        return payload.hex(), False
    try:
        text = payload.decode(codec)
        if codec == "utf-16-be":
            text.encode("utf-8")  # lone surrogates decode but cannot be stored or shown
        return text, True
    except UnicodeError:
        text = payload.decode(codec, errors="replace")
        if codec == "utf-16-be":
            text = text.encode("utf-8", errors="replace").decode("utf-8")
            text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
        return text, False


def content_hash(*parts) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


# --- delivery receipts ------------------------------------------------------

RECEIPT_RE = re.compile(r"id:(?P<id>\S+).*?stat:(?P<stat>[A-Z]+)(?:.*?err:(?P<err>\w+))?", re.S | re.I)
STATE_NAMES = {2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"}
# stat -> (final part state or None when not final, Twilio error code)
RECEIPT_OUTCOMES = {
    "DELIVRD": ("delivered", None),
    "UNDELIV": ("undelivered", 30003),
    "EXPIRED": ("undelivered", 30003),
    "REJECTD": ("undelivered", 30007),
    "DELETED": ("undelivered", 30008),
    "UNKNOWN": ("undelivered", 30008),
    "ACCEPTD": (None, None),
    "ENROUTE": (None, None),
}


@dataclass(frozen=True)
class Receipt:
    message_id: str
    stat: str
    err: str
    umr: int | None
    destination: str  # the handset the original went to (the receipt's source_addr)

    @property
    def outcome(self) -> tuple[str | None, int | None]:
        return RECEIPT_OUTCOMES.get(self.stat, ("undelivered", 30008))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1").rstrip("\x00")
    return str(value)


def is_receipt(esm_class: int) -> bool:
    return (esm_class or 0) & ESM_TYPE_MASK in (0x04, 0x08, 0x10, 0x20)


def parse_receipt(*, short_message: bytes, receipted_message_id=None, message_state=None,
                  user_message_reference=None, source_addr="") -> Receipt | None:
    """TLVs first (receipted_message_id, message_state), then the 'id:… stat:…' text."""
    match = RECEIPT_RE.search(_text(short_message))
    message_id = _text(receipted_message_id) or (match.group("id") if match else "")
    stat = STATE_NAMES.get(message_state) if message_state is not None else None
    stat = stat or (match.group("stat").upper() if match else "")
    if not message_id or not stat:
        return None
    err = (match.group("err") or "") if match else ""
    return Receipt(message_id=message_id, stat=stat, err=err, umr=user_message_reference,
                   destination=normalize_number(_text(source_addr)))


def alternate_ids(message_id: str) -> list[str]:
    """SMSCs are known to answer submit_sm in hex and report receipts in decimal (or the
    other way round): the other spelling, to try when the first finds nothing."""
    out = []
    if re.fullmatch(r"\d{1,20}", message_id):
        out.append(format(int(message_id), "x"))
        out.append(format(int(message_id), "X"))
    if re.fullmatch(r"[0-9a-fA-F]{1,16}", message_id):
        out.append(str(int(message_id, 16)))
    return [m for m in out if m != message_id]
