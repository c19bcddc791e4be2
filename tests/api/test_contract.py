"""The REST API against its own OpenAPI schema, over HTTP, on PostgreSQL with the demo county:
schemathesis (all its default checks) for an operator, a unit and a leader, and a client
generated from the schema (openapi-python-client) that registers, dispatches and reads a
ticket's timeline through the generated code only."""
import importlib
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from hotline.models import Category, User
from tests.processes import free_port, start_gunicorn, stop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROLES = ["operator", "zjj", "leader"]  # an operator, a unit's staff, a leader


@pytest.fixture
def demo_server(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--seed", "7", stdout=open(tmp_path / "seed.log", "w"))  # noqa: SIM115
    port = free_port()
    proc = start_gunicorn(port, tmp_path / "gunicorn.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def token_of(username: str) -> str:
    return Token.objects.get_or_create(user=User.objects.get(username=username))[0].key


@pytest.mark.parametrize("username", ROLES)
def test_schemathesis_finds_nothing(demo_server, username, tmp_path):
    # 415 is a valid answer to a schema-valid request: an attachment's bytes that are no allowed
    # kind (a zip, random bytes). `format: binary` cannot state which bytes a file may hold.
    (tmp_path / "schemathesis.toml").write_text(
        '[checks.positive_data_acceptance]\n'
        'expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "415", "429", "5xx"]\n')
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{demo_server}/api/schema/",
         "-H", f"Authorization: Token {token_of(username)}", "--max-examples", "10", "--seed", "1",
         "--request-timeout", "20", "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    summary = run.stdout[-20000:]
    assert run.returncode == 0, summary
    assert "No issues found" in run.stdout or " passed" in summary, summary


def test_a_client_generated_from_the_schema_registers_dispatches_and_reads_the_timeline(demo_server, tmp_path):
    schema = tmp_path / "schema.yml"
    schema.write_bytes(urllib.request.urlopen(f"{demo_server}/api/schema/", timeout=30).read())
    (tmp_path / "config.yml").write_text("post_hooks: []\npackage_name_override: hotline_client\n")
    generated = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema), "--config",
         str(tmp_path / "config.yml"), "--meta", "none", "--output-path", str(tmp_path / "hotline_client")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("hotline_client.client")
        create = importlib.import_module("hotline_client.api.tickets.tickets_create")
        dispatch = importlib.import_module("hotline_client.api.tickets.tickets_dispatch_create")
        timeline = importlib.import_module("hotline_client.api.tickets.tickets_timeline_list")
        models = importlib.import_module("hotline_client.models")
        operator = client_module.AuthenticatedClient(base_url=demo_server, token=token_of("operator"), prefix="Token")
        supervisor = client_module.AuthenticatedClient(base_url=demo_server, token=token_of("supervisor"),
                                                       prefix="Token")
        body = models.TicketCreateRequest.from_dict({
            "ticket_type": "complaint", "content": "生成的客户端登记：建设路积水严重", "citizen_phone": "13812340000"})
        ticket = create.sync(client=operator, body=body)
        assert isinstance(ticket, models.TicketDetail), ticket
        assert ticket.state.value == "registered" and ticket.citizen.phone == "13812340000"

        unit = User.objects.get(username="zjj").unit_id
        # Registered without a category: dispatch asks for one (409 category_required), then takes it.
        uncategorised = dispatch.sync(id=ticket.id, client=supervisor, body=models.DispatchRequest(lead_unit=unit))
        assert isinstance(uncategorised, models.Error) and uncategorised.error.code == "category_required"
        puddles = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施").pk
        dispatched = dispatch.sync(id=ticket.id, client=supervisor,
                                   body=models.DispatchRequest(lead_unit=unit, category=puddles))
        assert isinstance(dispatched, models.TicketDetail), dispatched
        assert dispatched.state.value == "dispatched" and dispatched.lead_unit == unit
        assert dispatched.category == puddles

        events = timeline.sync(id=ticket.id, client=supervisor)
        assert [event.kind for event in events if event.kind != "sms_sent"][:2] == ["register", "dispatch"]

        refused = dispatch.sync(id=ticket.id, client=supervisor, body=models.DispatchRequest(lead_unit=unit))
        assert isinstance(refused, models.Error) and refused.error.code == "state_conflict"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("hotline_client")]:
            del sys.modules[name]
