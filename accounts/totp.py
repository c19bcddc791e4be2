"""The optional TOTP second factor (RFC 6238: any authenticator app), pyotp for the codes and
segno for the QR code, drawn here as inline SVG (no CDN, no image service)."""
from __future__ import annotations

import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from hotline.models import User

from .models import TotpDevice


def totp_required(user: User) -> bool:
    roles = set(settings.TOTP_REQUIRED_ROLES)
    return user.role in roles or (user.is_superuser and "admin" in roles)


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def needs_second_factor(user: User) -> bool:
    return totp_required(user) or confirmed_device(user) is not None


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=settings.TOTP_ISSUER)


def qr_svg(device: TotpDevice) -> str:
    return segno.make(provisioning_uri(device), error="m").svg_inline(scale=4, dark="#000", light="#fff")


def totp_begin(*, user: User) -> TotpDevice:
    """A new secret awaiting its first code (a confirmed device stays until the new one is confirmed)."""
    device, _ = TotpDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    if device.confirmed_at is None and not device.secret:
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    return device


def _matching_counter(secret: str, code: str, at: float) -> int | None:
    """The 30-second step the code belongs to (this one or either neighbour, for clock drift)."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(at // totp.interval)
    for counter in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(counter), code):
            return counter
    return None


@transaction.atomic
def totp_verify(*, user: User, code: str, device: TotpDevice | None = None) -> bool:
    """Whether `code` is the device's current code, accepted once (a replayed code fails)."""
    device = device or confirmed_device(user)
    if device is None:
        return False
    device = TotpDevice.objects.select_for_update().get(pk=device.pk)
    counter = _matching_counter(device.secret, code, time.time())
    if counter is None or counter <= device.last_counter:
        return False
    device.last_counter = counter
    device.save(update_fields=["last_counter"])
    return True


@transaction.atomic
def totp_confirm(*, user: User, code: str, request=None) -> bool:
    device = TotpDevice.objects.filter(user=user).first()
    if device is None or not totp_verify(user=user, code=code, device=device):
        return False
    device.refresh_from_db()
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit_record(action=AuditAction.SECOND_FACTOR, actor=user, request=request, target=user,
                 detail={"change": "enrolled"})
    return True


@transaction.atomic
def totp_remove(*, user: User, actor: User, request=None) -> bool:
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        audit_record(action=AuditAction.SECOND_FACTOR, actor=actor, request=request, target=user,
                     detail={"change": "removed"})
    return bool(deleted)
