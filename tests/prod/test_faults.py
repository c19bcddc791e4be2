"""Faults under load on the production topology: bench/prod/faults.py with CI-sized numbers
(a few registrations and SMS a second; the worker killed, Redis and PostgreSQL restarted, the
SMPP gateway killed). Nothing the clients were told was accepted may be lost or doubled."""
import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

FAULTS_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "prod" / "faults.py"


def load_faults():
    spec = importlib.util.spec_from_file_location("bench_prod_faults", FAULTS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_faults_under_load_lose_and_double_nothing(prod):
    faults = load_faults()
    result = faults.run(prod, prod.postgres, prod.redis, rate=2, sms_rate=1, phase=3, settle_seconds=90)
    faults.print_report(result)
    tickets, notices = result["tickets"], result["notices"]
    assert tickets["sent"] > 0 and tickets["lost"] == 0 and tickets["duplicated"] == 0, tickets
    assert tickets["refused_but_created"] == 0, tickets
    assert notices["lost"] == 0 and notices["duplicated"] == 0, notices
    assert not any(result["backlog_after"].values()), result["backlog_after"]
    assert result["display"]["agrees"], result["display"]
    assert result["board"]["agrees"], result["board"]
    assert result["websocket"]["missed"] == 0, result["websocket"]
    assert set(result["recovery_seconds"]) == {"worker", "redis", "postgres", "smpp"}
