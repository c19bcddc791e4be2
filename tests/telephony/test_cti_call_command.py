"""`manage.py cti_call` in a process of its own (issue #24): the embedded default's channel layer
lives inside each process, so the command plays the call through the running server's CTI
webhook, as a switch does; with a shared layer (Redis) it applies the events itself.
The pop-up reaching an open console is tests/web/test_browser_console_and_dispatch.py."""
import io
import os
import socket

import pytest
from channels.layers import InMemoryChannelLayer
from django.core.management import CommandError, call_command

from telephony.management.commands import cti_call
from telephony.models import Call


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


EMBEDDED = not os.environ.get("REDIS_URL")


@pytest.mark.skipif(not EMBEDDED, reason="the embedded default's layer")
def test_the_embedded_layer_cannot_reach_another_process_so_the_command_goes_through_the_server():
    """The cause of the issue: a push made in the command's process stays in that process."""
    assert isinstance(cti_call.get_channel_layer(), InMemoryChannelLayer)
    assert not cti_call.layer_is_shared()


@pytest.mark.skipif(EMBEDDED, reason="needs REDIS_URL")
def test_the_redis_layer_reaches_every_process_so_the_command_applies_the_call_itself():
    assert cti_call.layer_is_shared()


@pytest.mark.skipif("SECRET_KEY" in os.environ or "CTI_SECRET" in os.environ, reason="not the embedded default")
def test_the_embedded_default_has_a_webhook_secret_for_its_demo_command():
    from django.conf import settings

    assert settings.CTI_SECRET  # no SECRET_KEY in the environment: derived, the webhook is on


@pytest.mark.django_db
def test_without_a_running_server_the_command_says_what_to_do(operator, settings, monkeypatch):
    monkeypatch.setattr(cti_call, "layer_is_shared", lambda: False)  # the embedded default
    settings.PUBLIC_BASE_URL = closed_port_url()
    with pytest.raises(CommandError, match=r"无法连接.*bin/run"):
        call_command("cti_call", "13071023136", "--extension", "8001")
    with pytest.raises(CommandError, match="无法连接"):
        call_command("cti_call", "13071023136", "--extension", "8001", "--url", closed_port_url())
    assert not Call.objects.exists()  # nothing was applied in the command's own process


@pytest.mark.django_db
def test_with_a_shared_layer_the_command_applies_the_call_itself(operator, monkeypatch, settings):
    settings.PUBLIC_BASE_URL = closed_port_url()  # would fail if the command tried the server
    monkeypatch.setattr(cti_call, "layer_is_shared", lambda: True)
    out = io.StringIO()
    call_command("cti_call", "13071023136", "--extension", "8001", stdout=out)
    assert "answer:" in out.getvalue() and "通话中" in out.getvalue()
    assert Call.objects.get().state == Call.State.COMPLETED


@pytest.mark.django_db
def test_an_extension_no_operator_has_is_reported(operator, settings):
    err = io.StringIO()
    call_command("cti_call", "13071023136", "--extension", "9999", "--in-process", stderr=err)
    assert "分机 9999 没有对应的在岗话务员" in err.getvalue()


def test_answer_needs_an_extension():
    with pytest.raises(CommandError, match="--extension"):
        call_command("cti_call", "13071023136", "--in-process")
