"""A private PostgreSQL and Redis in a temporary directory, for tests and benchmarks that stop or
restart them (the fault test): never the machine's shared servers.

Redis runs as docker-compose.yml's does (--appendonly yes: the Celery queue survives a restart).
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found


def _as_postgres_user() -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PrivatePostgres:
    def __init__(self, port: int, base: Path):
        self.port, self.base = port, Path(base)
        self.data = self.base / "pgdata"
        self.log = self.base / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/hotline"

    def _run(self, *argv: str) -> None:
        subprocess.run([*_as_postgres_user(), *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PrivatePostgres:
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "--encoding=UTF8", "--locale=C.UTF-8")
        self._ctl("start", "-w", "-l", str(self.log),
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
                        "-c max_connections=200 -c jit=off -c fsync=off")
        self.wait_ready()
        subprocess.run([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "hotline"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # exists already: fine
        return self

    def _ctl(self, *argv: str) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), *argv)

    def ready(self) -> bool:
        return subprocess.run([_pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"]).returncode == 0

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL on {self.port} not ready")
            time.sleep(0.1)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "fast", "-w")

    def restart(self) -> None:
        """Like `docker compose restart postgres`: a fast shutdown (every session cut), then up again."""
        self._ctl("restart", "-m", "fast", "-w", "-l", str(self.log))
        self.wait_ready()


class PrivateRedis:
    def __init__(self, port: int, base: Path):
        self.port, self.base = port, Path(base)
        self.dir = self.base / "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--appendonly", "yes",
                        "--dir", str(self.dir), "--daemonize", "yes", "--pidfile", str(self.dir / "redis.pid"),
                        "--logfile", str(self.dir / "redis.log")], check=True, stdout=subprocess.DEVNULL)
        self.wait_ready()
        return self

    def ready(self) -> bool:
        answer = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout
        return answer.strip() == b"PONG"

    def wait_ready(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise TimeoutError(f"Redis on {self.port} not ready")
            time.sleep(0.05)

    def stop(self) -> None:
        # SHUTDOWN (not SIGKILL): the append-only file is flushed, as a container's redis stop does.
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown"], capture_output=True)
        deadline = time.monotonic() + 10
        while self.ready() and time.monotonic() < deadline:
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()
