"""The export reads and sends its rows batch by batch: the first rows are on their way before
the rest are read (constant memory whatever the list's size). Runs on PostgreSQL too."""
import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories as fx


def _batch_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "hotline_ticket" in q["sql"] and "LIMIT 2" in q["sql"]]


@pytest.mark.postgres_too
@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_rows_are_read_and_sent_in_batches(people, settings, file_format):
    settings.EXPORTS_BATCH_SIZE = 2
    numbers = [fx.registered(people, title=f"第{i}件").number for i in range(5)]
    client = Client()
    client.force_login(people["supervisor"])
    response = client.get("/exports/tickets/download/", {"source": "tickets", "format": file_format,
                                                         "columns": "number,title"})
    assert response.status_code == 200 and response.streaming
    chunks = iter(response.streaming_content)
    if file_format == "csv":
        with CaptureQueriesContext(connection) as head:
            received = [next(chunks), next(chunks)]  # the header, then the first batch's rows
        assert len(_batch_reads(head)) == 1  # one batch of two rows read, the other three not yet
        first_rows = b"".join(received).decode("utf-8-sig")
        assert first_rows.count("\r\n") == 3  # header + two rows arrived before the rest was read
        with CaptureQueriesContext(connection) as rest:
            received += list(chunks)
        reads = _batch_reads(rest)
        assert len(reads) == 2
    else:
        # Deflate holds a few KB back before it emits bytes, so with five short rows the xlsx's
        # bytes come at the end; the reads are the same batches.
        with CaptureQueriesContext(connection) as everything:
            received = list(chunks)
        reads = _batch_reads(everything)
        assert len(reads) == 3
    assert all('"id" <' in sql for sql in reads[-2:])  # keyset pages after the first
    body = b"".join(received)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert [r[0] for r in rows[1:]] == numbers[::-1]
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == numbers[::-1]


@pytest.mark.django_db
def test_csv_times_are_shanghai_time(people):
    ticket = fx.registered(people)
    client = Client()
    client.force_login(people["supervisor"])
    response = client.get("/exports/tickets/download/", {"source": "tickets", "format": "csv",
                                                         "columns": "created_at"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1] == [f"{timezone.localtime(ticket.created_at):%Y-%m-%d %H:%M:%S}"]
