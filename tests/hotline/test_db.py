"""The PostgreSQL backend reads timestamps with psycopg's C loader, to the same values as
Django's own loader."""
import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django.utils import timezone

from hotline.db.postgresql.base import NATIVE_LOADER, TIMESTAMPTZ, FastTimestamptzLoader
from hotline.models import TicketEvent
from tests import factories as f
from tests.history import rewriting_history

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LITERALS = [
    "2026-09-30 17:30:00+08", "2026-12-31 23:59:59.999999+08", "2027-01-01 00:00:00.5-05",
    "2026-03-29 02:30:00 Europe/Berlin", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59+00",
    "1900-01-01 00:05:43+08:05:43", "now",
]


class DjangoUtcLoader(BaseTzLoader):
    timezone = dt.UTC


def read(cursor) -> list:
    cursor.execute("SELECT " + ", ".join(f"%s::timestamptz AS t{i}" for i in range(len(LITERALS) + 1)),
                   [*LITERALS, None])
    return list(cursor.fetchone())


def test_connections_read_timestamps_with_the_native_loader():
    with connection.cursor() as cursor:
        loader = cursor.connection.adapters.get_loader(TIMESTAMPTZ, psycopg.pq.Format.TEXT)
    assert loader is FastTimestamptzLoader
    native = FastTimestamptzLoader(TIMESTAMPTZ, None).load.__self__
    assert type(native) is NATIVE_LOADER
    if psycopg.pq.__impl__ == "binary":  # psycopg[binary], as requirements.txt pins it
        assert NATIVE_LOADER.__module__ == "psycopg_binary._psycopg"


def test_every_timestamp_reads_as_djangos_own_loader_reads_it():
    with connection.cursor() as cursor:
        fast = read(cursor)
        raw = cursor.connection
        raw.adapters.register_loader("timestamptz", DjangoUtcLoader)  # this connection only
        try:
            with raw.cursor() as plain:
                django_own = read(plain)
        finally:
            raw.adapters.register_loader("timestamptz", FastTimestamptzLoader)
    assert fast[:-2] == django_own[:-2] and fast[-1] is None is django_own[-1]
    assert abs(fast[-2] - django_own[-2]) < dt.timedelta(seconds=5)  # "now", read twice
    assert all(value.tzinfo is dt.UTC for value in fast[:-1])
    assert fast[0] == dt.datetime(2026, 9, 30, 9, 30, tzinfo=dt.UTC)
    assert fast[1].microsecond == 999999


def test_a_saved_moment_comes_back_the_same_and_out_of_range_values_fail_clearly(people):
    moment = dt.datetime(2026, 10, 8, 9, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = TicketEvent.objects.filter(ticket=f.registered(people)).get()
    with rewriting_history():
        TicketEvent.objects.filter(pk=event.pk).update(created_at=moment)
    saved = TicketEvent.objects.get(pk=event.pk).created_at
    assert saved == moment and timezone.localtime(saved).hour == 9
    with connection.cursor() as cursor, pytest.raises(DataError, match="year 10K"):
        cursor.execute("SELECT 'infinity'::timestamptz")
        cursor.fetchone()
