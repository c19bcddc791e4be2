"""Running code as if it were another moment: demo data with a past, and tests.

Everything in the project asks `django.utils.timezone.now()` for the time (services,
deadlines, auto_now fields), so replacing that one function moves them all together.

The moment belongs to the context that froze it (a thread, or a task), not to the process:
two threads frozen at once each see their own moment, every other thread the real time, and
the real `now` is put back when the last of them leaves. (A plain mock.patch from two threads
at once restores in the wrong order and leaves the whole process frozen: a session saved later
by another test then expired weeks ago.)
"""
import contextvars
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("frozen_moment", default=None)
_lock = threading.Lock()
_frozen = 0  # how many frozen_at blocks are open, in all threads
_real_now = timezone.now


def _now() -> dt.datetime:
    moment = _moment.get()
    return _real_now() if moment is None else moment


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    global _frozen, _real_now
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _moment.set(moment)
    with _lock:
        if _frozen == 0:
            _real_now = timezone.now
            timezone.now = _now
        _frozen += 1
    try:
        yield
    finally:
        with _lock:
            _frozen -= 1
            if _frozen == 0:
                timezone.now = _real_now
        _moment.reset(token)
