"""Django's PostgreSQL backend, reading timestamps with psycopg's C loader.

Django (5.2) registers its own loader for timestamptz, a subclass of psycopg's pure-Python
one that re-stamps each value with the connection's time zone. Every timestamp a query
returns then costs about 3.3 µs of Python instead of 0.3 µs in C (bench/README.md): a page
of the inbox reads 60 of them, the outbox's worker hundreds per batch. psycopg's C loader
gives the same value (the session time zone, which Django sets to UTC, as
datetime.timezone.utc), but cannot be subclassed; FastTimestamptzLoader hands each value
to it. Used when Django's connection time zone is UTC (USE_TZ, no TIME_ZONE in DATABASES:
this project's settings); otherwise Django's own loader stays. tests/hotline/test_db.py
compares the two.
"""
import datetime as dt
from functools import cache

from django.db.backends.postgresql import base
from psycopg import adapters
from psycopg.adapt import AdaptersMap, Loader
from psycopg.pq import Format

TIMESTAMPTZ = adapters.types["timestamptz"].oid
# The loader psycopg itself registers: its C implementation when psycopg[binary] is installed.
NATIVE_LOADER = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)


class FastTimestamptzLoader(Loader):
    # Django's create_cursor compares this with its connection time zone: equal, it keeps us.
    timezone = dt.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        # The native loader's bound method as this instance's load: no Python frame per value.
        self.load = NATIVE_LOADER(oid, context).load

    def load(self, data):  # replaced per instance in __init__; Loader requires a definition
        raise NotImplementedError


@cache
def _adapters(template: AdaptersMap) -> AdaptersMap:
    fast = AdaptersMap(template)
    fast.register_loader("timestamptz", FastTimestamptzLoader)
    return fast


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self.timezone == dt.UTC and "context" in params:
            params["context"] = _adapters(params["context"])
        return params
