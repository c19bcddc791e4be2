"""docker-compose.yml and bin/prod-up's table (deploy/topology.py) are twins: every service compose
runs has one here with the identical command and environment, and nothing more. What running
natively changes (ports, paths, the given PostgreSQL and Redis) is applied by topology.native*,
tested below on its own."""
from pathlib import Path

import pytest
import yaml

from deploy import topology as t

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
RUN_HERE = [name for name in SERVICES if name not in t.PROVIDED]
PLACE = t.Place(root="/src/hotline", run_dir="/srv/prod", ports={"web": 9001, "ws": 9002, "proxy": 9000})


def test_every_compose_service_is_run_here_or_given_by_env():
    assert sorted(RUN_HERE) == sorted(s.name for s in t.SERVICES)
    for name, (variable, _default) in t.PROVIDED.items():
        assert name in SERVICES, f"{name} is no compose service"
        assert f"@{name}:" in t.APP_ENV[variable] or f"//{name}:" in t.APP_ENV[variable]


@pytest.mark.parametrize("name", [n for n in RUN_HERE if n != "proxy"])
def test_command_and_environment_identical(name):
    compose, here = SERVICES[name], t.BY_NAME[name]
    assert here.command == compose["command"]
    assert here.env == {k: str(v) for k, v in compose["environment"].items()}
    assert here.one_shot == (compose.get("restart") == "no")


def test_the_proxy_is_the_image_with_deploy_nginx_conf():
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith("nginx:") and "command" not in proxy  # the image's own command
    assert t.BY_NAME["proxy"].command == ["nginx", "-g", "daemon off;"]
    assert proxy["ports"] == [t.PROXY_PUBLISHED]
    assert proxy["volumes"] == [f"./{t.PROXY_CONFIG}:/etc/nginx/conf.d/default.conf:ro"]


def test_the_image_env_is_the_dockerfiles():
    text = (ROOT / "Dockerfile").read_text()
    block = text.split("ENV ", 1)[1].split("\n\n", 1)[0]
    pairs = dict(item.split("=", 1) for item in block.replace("\\\n", " ").split())
    assert pairs == t.IMAGE_ENV


def test_ports_are_composes():
    published = t.interpolate(t.PROXY_PUBLISHED, {}).split(":")
    assert int(published[1]) == t.PORTS["proxy"][1]
    assert "--port" in SERVICES["ws"]["command"]
    ws_port = SERVICES["ws"]["command"][SERVICES["ws"]["command"].index("--port") + 1]
    assert int(ws_port) == t.PORTS["ws"][1]
    assert "server web:8000;" in (ROOT / t.PROXY_CONFIG).read_text()


# --- what running natively changes -------------------------------------------------
def test_native_command_moves_ports_and_paths_only():
    assert t.native_command(t.BY_NAME["ws"], PLACE)[4:6] == ["--port", "9002"]
    beat = t.native_command(t.BY_NAME["beat"], PLACE)
    assert beat[-1] == "/srv/prod/lib/beat/celerybeat-schedule"
    assert t.native_command(t.BY_NAME["worker"], PLACE) == t.BY_NAME["worker"].command


def test_native_env_resolves_as_compose_does():
    env = t.native_env(t.BY_NAME["web"], PLACE, {"SECRET_KEY": "s3cret", "SMPP_URL": "smpp://a:b@h:1"})
    assert env["SECRET_KEY"] == "s3cret" and env["SMPP_URL"] == "smpp://a:b@h:1"
    assert env["SMS_SIGNATURE"] == "【某市12345】" and env["ALLOWED_HOSTS"] == "localhost,127.0.0.1"
    assert env["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/hotline"  # the machine's, by default
    assert env["REPORTS_MODEL_DIR"] == "/srv/prod/lib/models" and env["STATIC_ROOT"] == "/src/hotline/staticfiles"
    assert env["GUNICORN_BIND"] == "0.0.0.0:9001" and env["HOTLINE_NOTIFY_ASYNC"] == "1"
    given = t.native_env(t.BY_NAME["ws"], PLACE, {"SECRET_KEY": "k", "DATABASE_URL": "postgres://x@db:1/y"})
    assert given["DATABASE_URL"] == "postgres://x@db:1/y" and given["DB_POOL_SIZE"] == "6"


def test_a_required_variable_missing_is_refused():
    with pytest.raises(t.MissingVariable, match=r"SECRET_KEY: set SECRET_KEY in \.env"):
        t.native_env(t.BY_NAME["web"], PLACE, {})


@pytest.mark.parametrize(("value", "environ", "expected"), [
    ("${A:-x}", {}, "x"), ("${A:-x}", {"A": ""}, "x"), ("${A-x}", {"A": ""}, ""), ("${A}", {}, ""),
    ("a${A:-}b", {"A": "1"}, "a1b"), ("${A:-【某市】}", {}, "【某市】"),
])
def test_interpolate(value, environ, expected):
    assert t.interpolate(value, environ) == expected


def test_nginx_config_is_deploy_nginx_conf_with_local_upstreams():
    conf = t.nginx_config(PLACE, (ROOT / t.PROXY_CONFIG).read_text())
    assert "server 127.0.0.1:9001;" in conf and "server 127.0.0.1:9002;" in conf and "listen 9000;" in conf
    assert "web:8000" not in conf and "pid /srv/prod/nginx/nginx.pid;" in conf
    assert "location /ws/" in conf and "client_max_body_size 25m;" in conf  # the rest is the file's own
    with pytest.raises(ValueError, match="server ws:8001"):
        t.nginx_config(PLACE, (ROOT / t.PROXY_CONFIG).read_text().replace("ws:8001", "ws:9999"))


def test_a_later_command_finds_the_ports_the_topology_was_started_with(tmp_path, monkeypatch):
    """`bin/prod-up --restart smsc` from a plain shell must not bring the simulator back on the
    default port while the gateway talks to the one prod-up was given (seen while testing)."""
    from deploy.prodctl import Topology

    started = Topology({"PROD_DIR": str(tmp_path), "PROD_SMSC_PORT": "8603", "HTTP_PORT": "8600",
                        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hotline_x", "SECRET_KEY": "s"})
    started.prepare()
    started.remember_environ()
    assert oct(started.environ_file().stat().st_mode & 0o777) == "0o600"
    monkeypatch.setattr("os.environ", {"PROD_DIR": str(tmp_path)})
    later = Topology.running()
    assert (later.smsc_port, later.place.ports["proxy"]) == (8603, 8600)
    assert later.environ["DATABASE_URL"].endswith("/hotline_x")
    assert later.environ["SMPP_URL"].endswith(":8603"), "the simulator's address is derived again"
    monkeypatch.setattr("os.environ", {"PROD_DIR": str(tmp_path), "PROD_SMSC_PORT": "8700"})
    assert Topology.running().smsc_port == 8700, "the shell still wins when it says so"
