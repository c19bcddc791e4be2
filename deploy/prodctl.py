"""Runs deploy/topology.py's services as processes on this machine: bin/prod-up, bin/prod-down.

  python -m deploy.prodctl up               migrate, then every service; waits until healthy
  python -m deploy.prodctl down             stops them all (TERM, then KILL after 20 s)
  python -m deploy.prodctl restart NAME     stops one service (TERM) and starts it again
  python -m deploy.prodctl kill NAME        SIGKILL, as a crash (the fault tests)
  python -m deploy.prodctl status

Each process runs in a session of its own (detached from the shell that started it), its pid
in PROD_DIR/run/NAME.pid, its output in PROD_DIR/log/NAME.log. Where SMPP_URL is empty the
SMSC simulator (tools/smsc-simulator) stands in for the operator's SMSC.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from deploy import topology as t

ROOT = Path(__file__).resolve().parent.parent
SMSC_CREDENTIALS = ("hotline", "secret12")  # tools/smsc/driver.py's
# The embedded default's model directory, where a machine that trained the shipped classifier once
# keeps it (reports.intelligence.shipped caches it as shipped-<key>.*): a test or benchmark
# topology starts from it, and migrate's classifier_ensure registers it instead of training again.
MODEL_CACHE = ROOT / "var" / "models"
ORDER = ["smsc", "web", "ws", "worker", "beat", "smpp", "proxy"]


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of .env (compose reads the same file; the shell's own values win)."""
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip("'\"")
    return values


class Topology:
    def __init__(self, environ: dict[str, str] | None = None):
        base = dict(os.environ if environ is None else environ)
        self.environ = {**read_env_file(ROOT / ".env"), **base}
        run_dir = Path(self.environ.get("PROD_DIR") or ROOT / "var" / "prod").resolve()
        ports = {name: int(self.environ.get(var) or default) for name, (var, _, default) in t.PORTS.items()}
        self.place = t.Place(root=str(ROOT), run_dir=str(run_dir), ports=ports)
        self.run_dir = run_dir
        self.smsc_port = int(self.environ.get("PROD_SMSC_PORT") or 2775)
        self.smsc_control_port = int(self.environ.get("PROD_SMSC_CONTROL_PORT") or self.smsc_port + 1)
        self.simulated_smsc = not self.environ.get("SMPP_URL")
        self._starting = threading.Lock()
        self.log_offsets: dict[str, int] = {}  # where each service's log stood when this object started it
        if self.simulated_smsc:
            user, password = SMSC_CREDENTIALS
            self.environ["SMPP_URL"] = f"smpp://{user}:{password}@127.0.0.1:{self.smsc_port}"

    # --- places -------------------------------------------------------------
    def pid_file(self, name: str) -> Path:
        return self.run_dir / "run" / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.run_dir / "log" / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.place.ports['proxy']}"

    @property
    def smsc_journal(self) -> Path:
        return self.run_dir / "smsc-journal.jsonl"

    def names(self) -> list[str]:
        return [n for n in ORDER if n != "smsc" or self.simulated_smsc]

    # --- processes --------------------------------------------------------
    def process_env(self, service: t.Service) -> dict[str, str]:
        env = {**self.environ, **t.native_env(service, self.place, self.environ)}
        # The image's programs (python, gunicorn, celery, uvicorn) are this virtualenv's.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        return env

    def command(self, name: str) -> tuple[list[str], dict[str, str]]:
        if name == "smsc":
            user, password = SMSC_CREDENTIALS
            return (["node", str(ROOT / "tools" / "smsc-simulator" / "smsc.js"), "--port", str(self.smsc_port),
                     "--control-port", str(self.smsc_control_port), "--journal", str(self.smsc_journal),
                     "--system-id", user, "--password", password, "--receipt-delay-ms", "20"], dict(self.environ))
        service = t.BY_NAME[name]
        if name == "proxy":
            return ["nginx", "-p", str(self.run_dir / "nginx"), "-c", str(self.run_dir / "nginx" / "nginx.conf"),
                    *t.native_command(service, self.place)[1:]], dict(self.environ)
        return t.native_command(service, self.place), self.process_env(service)

    def pid(self, name: str) -> int | None:
        try:
            pid = int(self.pid_file(name).read_text())
        except (OSError, ValueError):
            return None
        return pid if alive(pid) else None

    def start(self, name: str) -> int:
        with self._starting:  # a supervisor thread and a restart may both find it dead
            return self._start(name)

    def _start(self, name: str) -> int:
        if self.pid(name):
            return self.pid(name)
        argv, env = self.command(name)
        log = self.log_file(name)
        self.log_offsets[name] = log.stat().st_size if log.exists() else 0
        with open(log, "ab") as out:
            out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} start: {' '.join(argv)}\n".encode())
            out.flush()
            process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid_file(name).write_text(str(process.pid))
        return process.pid

    def signal(self, name: str, sig: int) -> bool:
        pid = self.pid(name)
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)  # the service's whole group: gunicorn's, uvicorn's, celery's children too
        return True

    def kill(self, name: str) -> None:
        """Like a crash: SIGKILL to the service's process group (a container's crash takes its children too)."""
        pid = self.pid(name)
        self.signal(name, signal.SIGKILL)
        # That process, not the service: a supervisor may already have started it again.
        wait_until(lambda: pid is None or not alive(pid), 10, f"{name} to die")

    def stop(self, name: str, timeout: float = 20) -> None:
        if self.signal(name, signal.SIGTERM):  # nginx: fast shutdown (SIGQUIT waits for idle keep-alives)
            try:
                wait_until(lambda: self.pid(name) is None, timeout, f"{name} to stop")
            except TimeoutError:
                self.signal(name, signal.SIGKILL)
                wait_until(lambda: self.pid(name) is None, 5, f"{name} to die")
        self.pid_file(name).unlink(missing_ok=True)

    # --- health -----------------------------------------------------------
    def healthy(self, name: str) -> bool:
        if self.pid(name) is None:
            raise RuntimeError(f"{name} exited; see {self.log_file(name)}:\n{tail(self.log_file(name))}")
        if name in ("web", "ws", "proxy"):
            return http_ok(f"http://127.0.0.1:{self.place.ports[name]}/api/health/")
        if name == "smsc":
            return self.smsc_state() is not None
        # The rest say it in their logs (since this start, when this object started them).
        said = {"worker": " ready.", "beat": "beat: Starting", "smpp": "bound to"}.get(name)
        return said is None or said in self.log_since_start(name)

    def log_since_start(self, name: str) -> str:
        path = self.log_file(name)
        try:
            with open(path, "rb") as f:
                f.seek(self.log_offsets.get(name, 0))
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def wait_healthy(self, names, timeout: float = 90) -> dict[str, float]:
        started, waited = time.monotonic(), {}
        for name in names:
            wait_until(lambda n=name: self.healthy(n), timeout, f"{name} to be healthy")
            waited[name] = time.monotonic() - started
        return waited

    def smsc_state(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.smsc_control_port}/state", timeout=3) as response:
                return json.loads(response.read())
        except OSError:
            return None

    # --- the whole ----------------------------------------------------------
    def prepare(self) -> None:
        for sub in ("run", "log", "nginx", "lib/media", "lib/models", "lib/beat"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        # nginx's workers write request bodies (attachments up to 25 MB) to its temp dirs; started by
        # root, they run as nobody (no `user` directive), so those dirs are nobody's.
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / "nginx" / temp).mkdir(exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.run_dir / "nginx" / temp, "nobody")
        conf = t.nginx_config(self.place, (ROOT / t.PROXY_CONFIG).read_text())
        (self.run_dir / "nginx" / "nginx.conf").write_text(conf)

    def run_one_shot(self, name: str, argv: list[str] | None = None) -> None:
        argv_default, env = self.command(name)
        with open(self.log_file(name), "ab") as out:
            code = subprocess.call(argv or argv_default, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        if code:
            raise RuntimeError(f"{name} failed ({code}); see {self.log_file(name)}:\n{tail(self.log_file(name))}")

    def manage(self, *args: str) -> str:
        """python manage.py ARGS with the app's environment (as `docker compose run web python manage.py …`)."""
        argv, env = ["python", "manage.py", *args], self.process_env(t.BY_NAME["web"])
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def celery(self, *args: str) -> str:
        """celery -A config ARGS with the worker's environment (e.g. `call TASK`: the worker runs it)."""
        argv, env = ["celery", "-A", "config", *args], self.process_env(t.BY_NAME["worker"])
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"celery {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    # --- the environment the running topology was started with ----------------------------------
    def environ_file(self) -> Path:
        return self.run_dir / "run" / "environ.json"

    def remember_environ(self) -> None:
        """What shaped this topology (ports, servers, compose's variables), for later `--restart`,
        `--kill` and `--status` from a shell that does not repeat them: a restarted service must
        come back on the ports and servers the others use. Only the owner may read it."""
        keys = ({*t.APP_ENV, "HTTP_PORT", "DATABASE_URL", "REDIS_URL"}
                | {var for var, _, _ in t.PORTS.values()} | {k for k in self.environ if k.startswith("PROD_")})
        if self.simulated_smsc:
            keys.discard("SMPP_URL")  # ours, derived from the simulator's port: derived again
        saved = {k: self.environ[k] for k in sorted(keys) if k in self.environ}
        path = self.environ_file()
        path.write_text(json.dumps(saved, ensure_ascii=False, indent=1))
        path.chmod(0o600)

    @classmethod
    def running(cls) -> Topology:
        """The topology bin/prod-up started (its remembered environment, the shell's on top)."""
        path = cls().environ_file()
        saved = json.loads(path.read_text()) if path.exists() else {}
        return cls({**saved, **os.environ})

    def up(self, verbose: bool = True) -> dict[str, float]:
        began = time.monotonic()
        self.prepare()
        self.remember_environ()
        if self.simulated_smsc:
            self.start("smsc")
        self.run_one_shot("migrate")
        # The image's build step: static files collected once (WhiteNoise serves them from STATIC_ROOT).
        self.run_one_shot("migrate", ["python", "manage.py", "collectstatic", "--no-input", "-v0"])
        for name in ("web", "ws", "worker", "beat", "smpp"):
            self.start(name)
        self.wait_healthy([n for n in self.names() if n != "proxy"])
        self.start("proxy")
        self.wait_healthy(["proxy"])
        if verbose:
            print(f"up in {time.monotonic() - began:.1f} s; logs and pids in {self.run_dir}")
            for line in self.urls():
                print("  " + line)
        return {"seconds": time.monotonic() - began}

    def urls(self) -> list[str]:
        lines = [f"site       {self.url}/", f"API docs   {self.url}/api/schema/docs/",
                 f"health     {self.url}/api/health/", f"display    {self.url}/display/",
                 f"websocket  ws://127.0.0.1:{self.place.ports['proxy']}/ws/staff/ and /ws/display/"]
        if self.simulated_smsc:
            lines.append(f"SMSC sim   smpp 127.0.0.1:{self.smsc_port}, control http://127.0.0.1:{self.smsc_control_port}/state")
        return lines

    def restart(self, name: str) -> float:
        """Stop (or find dead) one service and start it again; seconds until it is healthy."""
        began = time.monotonic()
        self.stop(name)
        self.start(name)
        self.wait_healthy([name])
        return time.monotonic() - began

    def down(self) -> None:
        """nginx first (no new requests), then the rest all at once (each may take its graceful seconds)."""
        self.stop("proxy")
        rest = [name for name in reversed(ORDER) if name != "proxy"]
        for name in rest:
            self.signal(name, signal.SIGTERM)
        for name in rest:
            self.stop(name)

    def status(self) -> dict[str, int | None]:
        return {name: self.pid(name) for name in self.names()}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie of ours (not yet reaped) counts as gone
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] == "Z":
            return False
    return True


def seed_shipped_classifier(topology: Topology, cache: Path) -> None:
    """Copy the cached shipped classifier into the topology's model directory (and, once trained
    there, back): tests and benchmarks, not production (whose migrate trains it once)."""
    target = Path(topology.place.var) / "models"
    target.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    for source, into in ((cache, target), (target, cache)):
        for path in source.glob("shipped-*"):
            if not (into / path.name).exists():
                shutil.copy2(path, into / path.name)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def tail(path: Path, size: int = 2000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, path.stat().st_size - size))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def main(argv: list[str]) -> int:
    command, *rest = argv or ["status"]
    topology = Topology() if command == "up" else Topology.running()
    if command == "up":
        try:
            topology.up()
        except (RuntimeError, TimeoutError, t.MissingVariable) as error:
            print(f"prod-up failed: {error}", file=sys.stderr)
            return 1
    elif command == "down":
        topology.down()
        print("stopped")
    elif command in ("restart", "kill", "start") and rest:
        for name in rest:
            if name not in topology.names():
                print(f"unknown service {name!r}; one of {', '.join(topology.names())}", file=sys.stderr)
                return 2
            if command == "restart":
                print(f"{name} healthy again after {topology.restart(name):.1f} s")
            elif command == "kill":
                topology.kill(name)
            else:
                topology.start(name)
                topology.wait_healthy([name])
    elif command == "status":
        for name, pid in topology.status().items():
            print(f"{name:<7} {'running, pid ' + str(pid) if pid else 'stopped'}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
