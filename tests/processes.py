"""Starting real server processes (ASGI servers, Celery workers) for integration tests and benchmarks.

They share the test database (committed data: use django_db(transaction=True)) and the
Redis named by REDIS_URL, and listen only on loopback ports in LIVE_PORT_RANGE.
"""
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PORT_RANGE = range(*map(int, os.environ.get("LIVE_PORT_RANGE", "8300-8399").split("-")))


def free_port() -> int:
    for port in PORT_RANGE:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORT_RANGE}")


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def smsc_with_gateway(port: int, directory: Path):
    """The SMSC simulator on `port` (its control API on port + 1) and the smpp_gateway process
    bound to it on the test database; yields the simulator."""
    from tools.smsc.driver import GatewayProcess, Smsc

    server = Smsc(port, port + 1, directory / "smsc-journal.jsonl").start()
    process = GatewayProcess(database_url(), server.url, directory / "gateway.log").start()
    try:
        yield server
    finally:
        process.stop()
        server.stop()


def child_env(**extra) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1", **extra})
    return env


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}: {proc.args}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


def start_asgi(port: int, log_path: Path, **env) -> subprocess.Popen:
    """A production ASGI server process (uvicorn, as in production) serving config.asgi on 127.0.0.1:port."""
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--ws", "websockets",
         "config.asgi:application"],
        cwd=ROOT, env=child_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc)
    return proc


def start_gunicorn(port: int, log_path: Path, **env) -> subprocess.Popen:
    """The production HTTP server (gunicorn with gunicorn.conf.py) serving config.wsgi on 127.0.0.1:port."""
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "gunicorn.conf.py",
         "-b", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=child_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc)
    return proc


def start_celery_worker(log_path: Path, concurrency: int = 2, **env) -> subprocess.Popen:
    log = open(log_path, "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", str(concurrency),
         "--without-gossip", "--without-mingle", "--purge", "-n", f"live-test-{os.getpid()}@%h"],
        cwd=ROOT, env=child_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
