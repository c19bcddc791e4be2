"""Citizens' personal data at rest (issue 20 item 4): column encryption and keyed lookup digests.

A value is stored as `enc:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext ‖ tag)>`: nothing of
the number is readable in the database, a dump or a backup, and base64 keeps the column free
of runs of digits (`\\d{11}` finds no phone in it). Each column authenticates its own label
(AAD), so a ciphertext copied from one column into another does not decrypt.

Keys come from the environment (config/settings.py): PII_KEYS is a key ring
"keyid:base64key,…" whose first key encrypts and every key decrypts, so a new key is put first,
`manage.py pii_rekey` re-encrypts every row with it, and the old one is then removed
(docs/SECURITY-pii.md). Equality lookups go through a keyed hash (HMAC-SHA256 with
PII_HASH_KEY) held in an indexed digest column: the ciphertext is randomised and cannot be
compared, and a plain hash of an 11-digit number is reversed by trying every number.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc:"
NONCE_BYTES = 12


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (key id, 32-byte key); the first encrypts
    hash_key: bytes
    derived: bool  # True: dev keys derived from SECRET_KEY (no PII_KEYS in the environment)

    @property
    def current_id(self) -> str:
        return self.keys[0][0]


def _derive(purpose: str) -> bytes:
    return hashlib.sha256(f"hotline-pii-dev:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def parse_key_ring(text: str) -> tuple[tuple[str, bytes], ...]:
    """'k2:base64,k1:base64' → ((k2, key), (k1, key)); a clear error for a bad ring."""
    keys = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or not key_id.replace("-", "").replace("_", "").isalnum():
            raise ImproperlyConfigured("PII_KEYS: each key is keyid:base64key (keyid letters, digits, - or _)")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"PII_KEYS: key {key_id!r} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"PII_KEYS: key {key_id!r} must be 32 bytes (AES-256), not {len(key)}")
        if any(key_id == known for known, _ in keys):
            raise ImproperlyConfigured(f"PII_KEYS: key id {key_id!r} appears twice")
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured("PII_KEYS is empty")
    return tuple(keys)


@lru_cache(maxsize=4)
def _ring(keys_text: str, hash_text: str, secret_key: str) -> KeyRing:
    keys = parse_key_ring(keys_text) if keys_text else (("dev", _derive("encrypt")),)
    if hash_text:
        hash_key = hash_text.encode()
        if len(hash_key) < 32:
            raise ImproperlyConfigured("PII_HASH_KEY: at least 32 characters")
    else:
        hash_key = _derive("hash")
    return KeyRing(keys=keys, hash_key=hash_key, derived=not keys_text or not hash_text)


def key_ring() -> KeyRing:
    """The ring the settings name now (cached per value: tests may override the settings)."""
    return _ring(getattr(settings, "PII_KEYS", ""), getattr(settings, "PII_HASH_KEY", ""), settings.SECRET_KEY)


def new_key() -> str:
    """A fresh key for PII_KEYS (manage.py pii_rekey --new-key prints one)."""
    return base64.b64encode(os.urandom(32)).decode()


@lru_cache(maxsize=16)
def _cipher(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value: str) -> str:
    return value[len(PREFIX):].split(":", 1)[0] if is_encrypted(value) else ""


def encrypt(value: str, *, label: str) -> str:
    """`value` sealed with the ring's current key; '' stays '' (an absent value is no secret)."""
    if not value:
        return value
    ring = key_ring()
    key_id, key = ring.keys[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(key).encrypt(nonce, value.encode(), label.encode())
    return f"{PREFIX}{key_id}:{base64.b64encode(nonce + sealed).decode()}"


class UndecryptableValue(ValueError):
    pass


def decrypt(value: str, *, label: str) -> str:
    """The plain value of an `encrypt`ed one. A value without the prefix is returned as it is
    (a row written before the column was encrypted, until the migration or pii_rekey reaches it)."""
    if not is_encrypted(value):
        return value
    key_id, _, encoded = value[len(PREFIX):].partition(":")
    key = dict(key_ring().keys).get(key_id)
    if key is None:
        raise UndecryptableValue(f"PII key {key_id!r} is not in PII_KEYS (removed before pii_rekey finished?)")
    raw = base64.b64decode(encoded)
    from cryptography.exceptions import InvalidTag

    try:
        return _cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], label.encode()).decode()
    except InvalidTag as exc:
        raise UndecryptableValue(f"a {label} value does not authenticate with key {key_id!r}") from exc


def digest(value: str, *, label: str) -> str:
    """The keyed lookup hash of `value` (hex, 64 characters); '' for no value."""
    if not value:
        return ""
    return hmac.new(key_ring().hash_key, f"{label}\x00{value}".encode(), hashlib.sha256).hexdigest()


# --- ID numbers (居民身份证号码, GB 11643-1999) ---
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """An 18-character ID number whose last character is its ISO 7064 MOD 11-2 check."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")
