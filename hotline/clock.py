"""Running code as if it were another moment: demo data with a past, and tests.

Everything in the project asks `django.utils.timezone.now()` for the time (services,
deadlines, auto_now fields), so replacing that one function moves them all together.
"""
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    with mock.patch.object(timezone, "now", lambda: moment):
        yield
