"""Start and steer the SMSC simulator (tools/smsc-simulator, npm smpp in server mode) and the
gateway process (manage.py smpp_gateway). Used by the SMPP integration tests and bench/sms/."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIMULATOR = ROOT / "tools" / "smsc-simulator"
SYSTEM_ID, PASSWORD = "hotline", "secret12"


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Smsc:
    def __init__(self, port: int, control_port: int, journal: Path, receipt_delay_ms: int = 20):
        self.port, self.control_port, self.journal = port, control_port, journal
        self.receipt_delay_ms = receipt_delay_ms
        self.process: subprocess.Popen | None = None
        self.log = journal.with_suffix(".log")

    @property
    def url(self) -> str:
        return f"smpp://{SYSTEM_ID}:{PASSWORD}@127.0.0.1:{self.port}"

    def start(self) -> "Smsc":
        node = shutil.which("node")
        if node is None or not (SIMULATOR / "node_modules" / "smpp").exists():
            raise RuntimeError("SMSC simulator needs node and `npm ci` in tools/smsc-simulator (bin/setup --dev)")
        self.process = subprocess.Popen(
            [node, str(SIMULATOR / "smsc.js"), "--port", str(self.port), "--control-port", str(self.control_port),
             "--journal", str(self.journal), "--system-id", SYSTEM_ID, "--password", PASSWORD,
             "--receipt-delay-ms", str(self.receipt_delay_ms)],
            stdout=open(self.log, "a"), stderr=subprocess.STDOUT,  # noqa: SIM115 (lives as long as the process)
        )
        wait_for(self._up, timeout=15, what="SMSC simulator to listen")
        return self

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"SMSC simulator exited: {self.log.read_text()[-2000:]}")
        try:
            self.state()
            return True
        except OSError:
            return False

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.control_port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def state(self) -> dict:
        return self._call("GET", "/state")

    def configure(self, **config) -> dict:
        return self._call("POST", "/config", config)

    def mo(self, **message) -> dict:
        return self._call("POST", "/mo", message)

    def drop(self) -> dict:
        return self._call("POST", "/drop", {})

    def kill(self) -> None:
        """Like a crash: SIGKILL, no goodbye to the sessions."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class GatewayProcess:
    """python manage.py smpp_gateway, against the database and SMSC given."""

    def __init__(self, database_url: str, smpp_url: str, log: Path, **env):
        self.env = {**os.environ, "DATABASE_URL": database_url, "SMPP_URL": smpp_url,
                    "CELERY_TASK_ALWAYS_EAGER": "1", "DB_CONN_MAX_AGE": "0",
                    "SMS_SMPP_RESPONSE_TIMEOUT": "3", "SMS_SMPP_DOUBT_SECONDS": "3",
                    "SMS_SMPP_RECONNECT_MAX_SECONDS": "2", **{k: str(v) for k, v in env.items()}}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, *args: str) -> "GatewayProcess":
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "smpp_gateway", *args], cwd=ROOT, env=self.env,
            stdout=open(self.log, "a"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )
        return self

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
