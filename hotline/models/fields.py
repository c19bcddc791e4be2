"""Model fields for citizens' personal data at rest (hotline.pii says how values are sealed).

`EncryptedCharField` stores its value encrypted and gives it back in clear: `citizen.phone` is
the number in Python and `enc:k1:…` in the database. With `digest_field=` it is paired with a
`DigestField` that holds the keyed hash of the same value, and its `exact` and `in` lookups are
answered by that indexed column, so call sites keep `Citizen.objects.filter(phone=p)`,
`Ticket.objects.filter(citizen__phone=p)` and `get_or_create(phone=p)` unchanged. Any other
lookup (contains, startswith, ordering by the value) cannot work on ciphertext and is refused
with a clear error rather than silently finding nothing.
"""
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, IsNull

from .. import pii


class EncryptedCharField(models.CharField):
    """`max_length` is the plain value's; the column is wide enough for its ciphertext."""

    def __init__(self, *args, plain_max_length: int = 20, label: str = "", digest_field: str = "", **kwargs):
        self.plain_max_length, self.label, self.digest_field = plain_max_length, label, digest_field
        # nonce 12 + tag 16 bytes, base64 (4/3), the prefix and a key id of up to 16 characters.
        kwargs["max_length"] = 4 * ((plain_max_length + 28 + 2) // 3) + 24
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        kwargs.update(plain_max_length=self.plain_max_length, label=self.label)
        if self.digest_field:
            kwargs["digest_field"] = self.digest_field
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.plain_max_length, **kwargs})

    def from_db_value(self, value, expression, connection):
        return value if value is None else pii.decrypt(value, label=self.label)

    def to_python(self, value):
        return value if value is None or not pii.is_encrypted(value) else pii.decrypt(value, label=self.label)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or pii.is_encrypted(value):
            return value
        return pii.encrypt(value, label=self.label)

    def get_lookup(self, lookup_name):
        if lookup_name in ("exact", "iexact", "in") and self.digest_field:
            # iexact: the admin's "=phone" search; a number has no case.
            return DigestIn if lookup_name == "in" else DigestExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: only exact and in lookups "
                         f"(through {self.digest_field or 'no digest column'}) can find it")

    def get_transform(self, lookup_name):
        return None


class DigestField(models.CharField):
    """The keyed hash of `source` (an EncryptedCharField of the same model), computed as the
    row is saved (save, create, bulk_create and the registration's one statement all call
    pre_save)."""

    def __init__(self, *args, source: str = "", label: str = "", **kwargs):
        self.source, self.label = source, label
        kwargs["max_length"] = 64
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, label=self.label)
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = pii.digest(getattr(model_instance, self.source) or "", label=self.label) or None
        setattr(model_instance, self.attname, value)
        return value


def _digest_target(lhs):
    """The lookup's column swapped for the digest column of the same table and row."""
    field = lhs.output_field
    if not isinstance(lhs, Col):
        raise FieldError(f"{field.model.__name__}.{field.name} is encrypted: compare it only as a column")
    digest = field.model._meta.get_field(field.digest_field)
    return Col(lhs.alias, digest), field


def _hashed(value, field):
    if hasattr(value, "resolve_expression"):
        raise FieldError(f"{field.model.__name__}.{field.name} is encrypted: compare it with a value")
    return pii.digest(str(value), label=field.label) if value not in (None, "") else ""


class DigestExact(Exact):
    """phone=p → phone_digest = HMAC(p)."""

    def __init__(self, lhs, rhs):
        target, field = _digest_target(lhs)
        super().__init__(target, _hashed(rhs, field))


class DigestIn(In):
    """phone__in=[…] → phone_digest IN (HMAC(…), …)."""

    def __init__(self, lhs, rhs):
        target, field = _digest_target(lhs)
        super().__init__(target, [_hashed(value, field) for value in rhs])
