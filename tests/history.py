"""The sanctioned way for a test to backdate rows the PostgreSQL append-only trigger guards
(audit migration 0003): tests connect as a superuser, whose session_replication_role=replica
skips triggers for the block. The application never does this (docs/SECURITY-audit.md)."""
import contextlib

from django.db import connection


@contextlib.contextmanager
def rewriting_history():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
