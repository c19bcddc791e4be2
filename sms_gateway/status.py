"""A message's status only moves forward; each change may owe its StatusCallback a POST."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Message, Status, StatusCallback

RANK = {
    Status.QUEUED: 0, Status.SENDING: 1, Status.SENT: 2,
    Status.DELIVERED: 3, Status.UNDELIVERED: 3, Status.FAILED: 3, Status.RECEIVED: 3,
}
# Twilio posts these to StatusCallback; "sending" is too short-lived to be worth a request.
CALLBACK_STATUSES = {Status.SENT, Status.DELIVERED, Status.UNDELIVERED, Status.FAILED}


def set_status(message: Message, status: str, *, error_code: int | None = None, error_message: str = "") -> bool:
    """Move `message` to `status` unless it is already there or further on. Returns whether it moved."""
    if RANK[status] <= RANK[message.status]:
        return False
    now = timezone.now()
    message.status = status
    fields = ["status", "date_updated"]
    if status in (Status.SENT, Status.DELIVERED, Status.UNDELIVERED) and message.date_sent is None:
        message.date_sent = now
        fields.append("date_sent")
    if error_code is not None:
        message.error_code, message.error_message = error_code, error_message[:255]
        fields += ["error_code", "error_message"]
    message.save(update_fields=fields)
    if message.status_callback and status in CALLBACK_STATUSES:
        queue_callback(message)
    return True


def callback_params(message: Message) -> dict:
    params = {
        "AccountSid": message.account.sid if message.account_id else "",
        "ApiVersion": "2010-04-01",
        "From": message.from_number,
        "MessageSid": message.sid,
        "MessageStatus": message.status,
        "SmsSid": message.sid,
        "SmsStatus": message.status,
        "To": message.to_number,
    }
    if message.error_code:
        params["ErrorCode"] = str(message.error_code)
    return params


def queue_callback(message: Message) -> StatusCallback:
    callback = StatusCallback.objects.create(
        message=message, url=message.status_callback, params=callback_params(message),
        next_try_at=timezone.now(),
    )
    from .tasks import deliver_status_callback

    transaction.on_commit(lambda: deliver_status_callback.delay(callback.pk), robust=True)
    return callback


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 5 * 2 ** max(0, attempts - 1)))
