"""`run_timers --once` in a fresh process against a fresh database: every timer of the beat
schedule is registered and runs without error, whatever this test process imported before."""
import os
import subprocess
import sys

from django.conf import settings

from tests.processes import ROOT


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


def test_every_scheduled_task_runs_in_a_fresh_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SMPP_URL", "HOTLINE_INTEGRATION")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}", PYTHONUNBUFFERED="1",
               MEDIA_ROOT=str(tmp_path / "media"))
    migrated = run(["migrate", "--no-input", "-v0"], env)
    assert migrated.returncode == 0, migrated.stderr

    timers = run(["run_timers", "--once"], env)

    assert timers.returncode == 0, timers.stderr
    assert "never registered" not in timers.stderr and "failed" not in timers.stderr
    ran = {line.split(":", 1)[0] for line in timers.stdout.splitlines() if ":" in line}
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= ran
