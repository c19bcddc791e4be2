"""The request id: one per HTTP request (taken from X-Request-ID or made here), carried into
the Celery tasks and outbox deliveries the request starts, and written on every log line."""
import contextlib
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")
# What an incoming X-Request-ID may be: nginx's $request_id is 32 hex digits; anything
# printable and short is kept, anything else (a log-injection attempt) is replaced.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


def current() -> str:
    return _request_id.get()


def new_id() -> str:
    return uuid.uuid4().hex


def accept(header: str | None) -> str:
    """The incoming header's id when it is a sane token, else a new one."""
    if header and _ACCEPTABLE.match(header):
        return header
    return new_id()


def set_current(request_id: str):
    """Sets the id; returns the token to reset it with."""
    return _request_id.set(request_id)


def reset(token) -> None:
    _request_id.reset(token)


@contextlib.contextmanager
def bound(request_id: str):
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)
