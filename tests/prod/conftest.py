"""One production topology (bin/prod-up's processes) for the tests of this directory, on a private
PostgreSQL and Redis (the fault test restarts them), seeded with the demo county's people.

Ports: PROD_TEST_PORT_BASE (default 8340) and the next five for nginx, gunicorn, uvicorn and the
SMSC simulator; PostgreSQL on PROD_TEST_PG_PORT (5440), Redis on PROD_TEST_REDIS_PORT (6390)."""
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from deploy.prodctl import MODEL_CACHE, Topology, seed_shipped_classifier
from tools.private_servers import PrivatePostgres, PrivateRedis

BASE = int(os.environ.get("PROD_TEST_PORT_BASE", "8340"))


@pytest.fixture(scope="module")  # one module uses it: up only while it runs
def prod():
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        pytest.fail("nginx is not installed: bin/install-nginx (bin/setup --dev runs it)")
    # Not under pytest's own tmp (mode 0700 for root): PostgreSQL runs as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="prod-test-"))
    base.chmod(0o755)
    postgres = PrivatePostgres(int(os.environ.get("PROD_TEST_PG_PORT", "5440")), base / "pg").start()
    redis = PrivateRedis(int(os.environ.get("PROD_TEST_REDIS_PORT", "6390")), base / "redis").start()
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("DJANGO_", "PYTEST_")) and k not in ("HOTLINE_INTEGRATION", "SMPP_URL")}
    environ.update({
        "PATH": environ.get("PATH", "") + ":/usr/sbin",
        "DATABASE_URL": postgres.url, "REDIS_URL": redis.url, "SECRET_KEY": "prod-topology-test-key",
        "PROD_DIR": str(base / "run"), "HTTP_PORT": str(BASE), "PROD_WEB_PORT": str(BASE + 1),
        "PROD_WS_PORT": str(BASE + 2), "PROD_SMSC_PORT": str(BASE + 3), "PROD_SMSC_CONTROL_PORT": str(BASE + 4),
        "WEB_WORKERS": "2",  # two cores; gunicorn.conf.py's default is cores + 1
        "SURVEY_DELAY_MINUTES": "0",  # the survey goes out at the next send_due_surveys
        # A part in doubt that the SMSC never had (the gateway killed between its claim and the
        # write) is sent again after this much bound time: within the fault test's settle (90 s).
        "SMS_SMPP_DOUBT_SECONDS": "30",
    })
    topology = Topology(environ)
    topology.postgres, topology.redis = postgres, redis
    try:
        began = time.monotonic()
        seed_shipped_classifier(topology, MODEL_CACHE)
        topology.up(verbose=False)
        seed_shipped_classifier(topology, MODEL_CACHE)
        topology.manage("seed_demo", "--no-tickets")
        print(f"\nproduction topology up and seeded in {time.monotonic() - began:.1f} s")
        yield topology
    finally:
        topology.down()
        redis.stop()
        postgres.stop()
        shutil.rmtree(base, ignore_errors=True)
