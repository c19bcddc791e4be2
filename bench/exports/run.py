#!/usr/bin/env python
"""Export a million tickets through the real view, as csv and as xlsx, and measure it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/generate.py --tickets 1000000 --truncate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/exports/run.py [--columns all|default]

Each format runs in a process of its own (`--one csv|xlsx`), so that each peak RSS
(getrusage's ru_maxrss, the whole process: Django, the ORM, the writer, the test client) is that
export's alone. The view is called through Django's test client as a supervisor (every row, no
masking: the most rows); the streamed bytes are written to var/bench-exports/ as they arrive, the
way a browser saves them. Prints time, rows/s, peak RSS and file size; `--results` writes
bench/exports/RESULTS.md."""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench-exports"
TARGET_SECONDS, TARGET_RSS_MB = 60, 200


def one(file_format: str, columns: str, lean: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if lean:  # the export's own URLconf: the process without the rest of the app's imports
        from django.conf import settings

        settings.ROOT_URLCONF = "bench.exports.urls_lean"
    from django.test import Client

    from audit.models import AuditAction, AuditEvent
    from exports.columns import COLUMNS
    from hotline.models import Role, User

    user, _ = User.objects.get_or_create(username="bench-export", defaults={"role": Role.SUPERVISOR,
                                                                          "display_name": "导出压测"})
    keys = [c.key for c in COLUMNS if columns == "all" or c.default]
    client = Client()
    client.force_login(user)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"tickets.{file_format}"
    # Warm up: the first request loads the URLconf, i.e. every view module of the app (the
    # full app's classifier imports numpy, scipy and scikit-learn: ~250 MB before any export).
    assert client.get("/exports/tickets/", {"source": "tickets"}).status_code == 200
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from django.db import connection

    with connection.cursor() as cursor:  # the request runs on this same connection (test client)
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    pg_cpu_before = _cpu_of(backend)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    response = client.get("/exports/tickets/download/", {"source": "tickets", "format": file_format,
                                                         "columns": ",".join(keys)})
    assert response.status_code == 200, response.content[:500]
    first_byte = None
    with path.open("wb") as out:
        for chunk in response.streaming_content:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            out.write(chunk)
    seconds = time.perf_counter() - started
    rows = AuditEvent.objects.filter(action=AuditAction.EXPORTED, actor=user).latest("id").detail["rows"]
    return {"format": file_format, "columns": len(keys), "rows": rows, "seconds": round(seconds, 1),
            "rows_per_s": round(rows / seconds), "first_byte_s": round(first_byte or 0, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_app_loaded_mb": round(rss_before, 1),
            "export_rss_growth_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before, 1),
            "size_mb": round(path.stat().st_size / 2**20, 1),
            "cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
            "postgres_cpu_s": round(_cpu_of(backend) - pg_cpu_before, 1),
            "load_average": round((load_before + os.getloadavg()[0]) / 2, 1)}


def _cpu_of(pid: int) -> float:
    """utime + stime of a process (the PostgreSQL backend serving the export), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--one", choices=["csv", "xlsx"], help="(internal) one export in this process")
    parser.add_argument("--columns", choices=["all", "default"], default="all")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--lean", action="store_true",
                        help="serve only the export's URLs in the process (peak RSS without the app's ML imports)")
    parser.add_argument("--keep", action="store_true", help="keep the files in var/bench-exports/")
    parser.add_argument("--results", action="store_true", help="write bench/exports/RESULTS.md")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.columns, args.lean)))
        return
    results = []
    for file_format in args.formats.split(","):
        done = subprocess.run([sys.executable, __file__, "--one", file_format, "--columns", args.columns,
                               *(["--lean"] if args.lean else [])],
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{file_format} failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        ok = result["seconds"] < TARGET_SECONDS and result["peak_rss_mb"] < TARGET_RSS_MB
        result["target_met"], result["lean"] = ok, args.lean
        results.append(result)
        print(f"{file_format}: {result['rows']:,} rows × {result['columns']} columns in {result['seconds']} s "
              f"({result['rows_per_s']:,} rows/s, first bytes after {result['first_byte_s']} s), "
              f"peak RSS {result['peak_rss_mb']} MB (app loaded {result['rss_app_loaded_mb']} MB, "
              f"+{result['export_rss_growth_mb']} MB during the export), file {result['size_mb']} MB, "
              f"CPU {result['cpu_s']} s "
              f"(+ PostgreSQL {result['postgres_cpu_s']} s), load average {result['load_average']} "
              f"— target {'met' if ok else 'MISSED'}", flush=True)
        if not args.keep:
            (OUT / f"tickets.{file_format}").unlink(missing_ok=True)
    name = "bench-exports-lean.json" if args.lean else "bench-exports.json"
    (ROOT / "var" / name).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
