"""Background work: POSTing status callbacks (signed like Twilio's), and retrying those that failed."""
import logging
import urllib.error
import urllib.parse
import urllib.request

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from twilio.request_validator import RequestValidator

from .models import StatusCallback
from .status import backoff

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 10


def signed_post(url: str, params: dict, auth_token: str) -> int:
    """POST form params with X-Twilio-Signature (HMAC-SHA1 of URL + sorted params)."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(params).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                 "X-Twilio-Signature": signature, "User-Agent": "hotline12345-sms/1.0"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # http(s) only: checked on create
        return response.status


@shared_task(ignore_result=True)
def deliver_status_callback(callback_id: int) -> None:
    with transaction.atomic():
        callback = (StatusCallback.objects.select_for_update(skip_locked=True)
                    .select_related("message__account").filter(pk=callback_id, delivered_at__isnull=True,
                                                               given_up=False).first())
        if callback is None or callback.next_try_at > timezone.now():
            return
        callback.attempts += 1
        account = callback.message.account
        try:
            signed_post(callback.url, callback.params, account.auth_token if account else "")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            callback.last_error = str(exc)[:255]
            callback.given_up = callback.attempts >= MAX_ATTEMPTS
            callback.next_try_at = timezone.now() + backoff(callback.attempts)
            logger.warning("status callback %s to %s failed (attempt %s): %s",
                           callback.pk, callback.url, callback.attempts, exc)
        else:
            callback.delivered_at = timezone.now()
        callback.save()


@shared_task(ignore_result=True)
def retry_status_callbacks() -> int:
    """Beat: pick up callbacks whose first try was lost (worker died) or is due again."""
    due = list(StatusCallback.objects.filter(
        delivered_at__isnull=True, given_up=False, next_try_at__lte=timezone.now(),
    ).order_by("next_try_at").values_list("pk", flat=True)[:500])
    for pk in due:
        deliver_status_callback.delay(pk)
    return len(due)
