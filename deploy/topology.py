"""The production topology of docker-compose.yml as a table that bin/prod-up runs natively.

The commands and environment below are docker-compose.yml's own, value for value (compose
syntax: ${NAME:-default}, ${NAME:?message}); tests/deploy/test_topology_twin.py parses the
compose file and fails when a service's command or environment has no identical twin here.
What running them on one machine instead of in containers changes is not written into the
table but applied by `native()` when a process starts, and is exactly this:
  - container host names become loopback addresses, container ports the ports chosen by env
    (HTTP_PORT, PROD_WEB_PORT, PROD_WS_PORT): every service shares this machine's ports;
  - the image's /var/lib/hotline (volumes) and /app (code, collected static files) become
    the run directory (PROD_DIR, default var/prod) and this checkout;
  - PostgreSQL and Redis are not started: DATABASE_URL and REDIS_URL name the servers to use
    (default this machine's 127.0.0.1:5432 and :6379), as PROVIDED below says.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# x-app's environment: every app process (migrate, web, ws, worker, beat, smpp) has it.
APP_ENV = {
    "DATABASE_URL": "postgres://hotline:${POSTGRES_PASSWORD:-hotline}@postgres:5432/hotline",
    "REDIS_URL": "redis://redis:6379/0",
    "SMPP_URL": "${SMPP_URL:-}",
    "SMS_SIGNATURE": "${SMS_SIGNATURE:-【某市12345】}",
    "SECRET_KEY": "${SECRET_KEY:?set SECRET_KEY in .env}",
    "ALLOWED_HOSTS": "${ALLOWED_HOSTS:-localhost,127.0.0.1}",
    "CSRF_TRUSTED_ORIGINS": "${CSRF_TRUSTED_ORIGINS:-}",
    "PUBLIC_BASE_URL": "${PUBLIC_BASE_URL:-http://localhost:8000}",
    "TIME_ZONE": "${TIME_ZONE:-Asia/Shanghai}",
    "HOTLINE_NOTIFY_ASYNC": "1",
    "DB_CONN_MAX_AGE": "600",
    "REPORTS_MODEL_DIR": "/var/lib/hotline/models",
    "LOG_FORMAT": "${LOG_FORMAT:-json}",
    "METRICS_TOKEN": "${METRICS_TOKEN:-}",
    "PORTAL_TRUST_FORWARDED_FOR": "1",
    "FORWARDED_PROXY_HOPS": "${FORWARDED_PROXY_HOPS:-1}",
    "HTTPS": "${HTTPS:-0}",
}
# The Dockerfile's ENV (the image every app process runs in).
IMAGE_ENV = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "PIP_NO_CACHE_DIR": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "HOTLINE_VAR_DIR": "/var/lib/hotline",
    "STATIC_ROOT": "/app/staticfiles",
    "MEDIA_ROOT": "/var/lib/hotline/media",
}
# Services compose runs that prod-up is given instead: the variable that names each one here.
PROVIDED = {
    "postgres": ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline"),
    "redis": ("REDIS_URL", "redis://127.0.0.1:6379/0"),
}
# Container ports → the variable giving this machine's port, and its default.
PORTS = {
    "web": ("PROD_WEB_PORT", 8000, 8010),  # (variable, port in the container, default here)
    "ws": ("PROD_WS_PORT", 8001, 8011),
    "proxy": ("HTTP_PORT", 8000, 8000),
}
IMAGE_ROOT, IMAGE_VAR = "/app", "/var/lib/hotline"


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    one_shot: bool = False  # runs to completion before the others start (compose's migrate)


SERVICES = [
    Service("migrate", ["sh", "-c", "python manage.py migrate --no-input && python manage.py classifier_ensure"],
            APP_ENV, one_shot=True),
    Service("web", ["gunicorn", "config.wsgi:application", "-c", "gunicorn.conf.py"], APP_ENV),
    Service("ws", ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8001", "--workers", "2",
                   "--loop", "uvloop", "--http", "httptools", "--ws", "websockets", "--proxy-headers",
                   "--forwarded-allow-ips", "*", "--no-access-log"],
            {**APP_ENV, "DB_CONN_MAX_AGE": "0", "DB_POOL_SIZE": "6"}),
    Service("worker", ["celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"], APP_ENV),
    Service("beat", ["celery", "-A", "config", "beat", "--loglevel", "INFO",
                     "--schedule", "/var/lib/hotline/beat/celerybeat-schedule"], APP_ENV),
    Service("smpp", ["python", "manage.py", "smpp_gateway"], APP_ENV),
    # nginx: the image's own command (nginx -g 'daemon off;') with deploy/nginx.conf as its server.
    Service("proxy", ["nginx", "-g", "daemon off;"], {}),
]
BY_NAME = {service.name: service for service in SERVICES}
PROXY_CONFIG = "deploy/nginx.conf"
PROXY_PUBLISHED = "${HTTP_PORT:-8000}:8000"

_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(ValueError):
    pass


def interpolate(value: str, environ: dict[str, str]) -> str:
    """${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, as docker compose reads them."""

    def one(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        present = environ.get(name)
        if op in (":-", ":?") and not present:
            present = None
        if present is not None:
            return present
        if op and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg or 'required'}")
        return arg if op else ""

    return _VARIABLE.sub(one, value)


@dataclass(frozen=True)
class Place:
    """Where the topology runs on this machine."""

    root: str  # the checkout (the image's /app)
    run_dir: str  # PROD_DIR: pids, logs, nginx's files, and the image's /var/lib/hotline under lib/
    ports: dict[str, int]  # service → port on this machine

    @property
    def var(self) -> str:
        return f"{self.run_dir}/lib"


def native(value: str, place: Place) -> str:
    """A compose value (a command word or an environment value) as it reads on this machine."""
    value = value.replace(IMAGE_VAR, place.var)
    if value == IMAGE_ROOT or value.startswith(IMAGE_ROOT + "/"):
        value = place.root + value[len(IMAGE_ROOT):]
    return value


def native_command(service: Service, place: Place) -> list[str]:
    words = [native(word, place) for word in service.command]
    if service.name in PORTS and "--port" in words:  # uvicorn's own flag (gunicorn binds by GUNICORN_BIND)
        words[words.index("--port") + 1] = str(place.ports[service.name])
    return words


def native_env(service: Service, place: Place, environ: dict[str, str]) -> dict[str, str]:
    """The service's environment resolved against `environ` (the shell plus .env, as compose does)."""
    env = {}
    for name, value in {**IMAGE_ENV, **service.env}.items():
        provided = next((p for p in PROVIDED.values() if p[0] == name), None)
        env[name] = (environ.get(name) or provided[1]) if provided else interpolate(native(value, place), environ)
    if service.name == "web":  # gunicorn.conf.py's bind, 0.0.0.0:8000 in the container
        env["GUNICORN_BIND"] = f"0.0.0.0:{place.ports['web']}"
    return env


def nginx_config(place: Place, conf_text: str, mime_types: str = "/etc/nginx/mime.types") -> str:
    """nginx.conf for this machine: the official image's main file around deploy/nginx.conf (its
    conf.d/default.conf), upstreams and listen port rewritten, every file under the run directory."""
    server = conf_text
    for name in ("web", "ws"):
        container_port = PORTS[name][1]
        server, count = re.subn(rf"server {name}:{container_port};", f"server 127.0.0.1:{place.ports[name]};", server)
        if count != 1:
            raise ValueError(f"{PROXY_CONFIG}: no 'server {name}:{container_port};' upstream to adapt")
    server, count = re.subn(r"listen 8000;", f"listen {place.ports['proxy']};", server)
    if count != 1:
        raise ValueError(f"{PROXY_CONFIG}: no 'listen 8000;' to adapt")
    nginx = f"{place.run_dir}/nginx"
    return f"""# Written by bin/prod-up from {PROXY_CONFIG}; edit that file, not this one.
worker_processes auto;
error_log {place.run_dir}/log/proxy.error.log notice;
pid {nginx}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {place.run_dir}/log/proxy.access.log;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {nginx}/client_body;
    proxy_temp_path {nginx}/proxy;
    fastcgi_temp_path {nginx}/fastcgi;
    uwsgi_temp_path {nginx}/uwsgi;
    scgi_temp_path {nginx}/scgi;
{server}
}}
"""
