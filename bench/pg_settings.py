#!/usr/bin/env python
"""PostgreSQL as production runs it: the settings docker-compose.yml gives its server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench python bench/pg_settings.py [--apply]

Prints each setting of the `postgres` service's command (`-c name=value`) beside the value the
server at DATABASE_URL runs with. The benchmarks' figures are only comparable with production
when they agree: a machine's own server may differ a lot (this workplace's runs with
autovacuum off, 128 MB of shared buffers and jit on). `--apply` writes them with ALTER SYSTEM
(a superuser's connection); settings marked "restart" take effect after the server restarts
(`pg_ctlcluster <version> main restart` on Debian).
"""
import argparse
import os
import sys
from pathlib import Path

import psycopg
import yaml
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def production_settings() -> dict[str, str]:
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]["command"]
    pairs = [command[i + 1] for i, word in enumerate(command[:-1]) if word == "-c"]
    return dict(pair.split("=", 1) for pair in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", action="store_true", help="ALTER SYSTEM SET each production setting")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL=postgres://…")
    wanted = production_settings()
    with psycopg.connect(url, autocommit=True) as conn:
        differ = 0
        for name, value in wanted.items():
            current, context = conn.execute(  # current_setting() writes it as compose does: 2GB, 15min
                "SELECT current_setting(%s), context FROM pg_settings WHERE name = %s", [name, name]).fetchone()
            same = current.lower() == value.lower()
            differ += not same
            restart = " (restart)" if context == "postmaster" else ""
            print(f"{'  ' if same else '≠ '}{name:<20} server {current:<10} production {value}{restart}")
            if args.apply and not same:
                conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        if args.apply and differ:
            conn.execute("SELECT pg_reload_conf()")
            print("applied; reloaded (restart the server for the settings marked restart)")
    sys.exit(1 if differ and not args.apply else 0)


if __name__ == "__main__":
    main()
