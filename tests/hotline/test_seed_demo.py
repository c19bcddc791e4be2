"""The demo county: every state and every light, through the services, and idempotent."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dispatch.deadlines import ticket_light
from hotline.models import Ticket, TicketEvent, TicketState, Unit, User

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_county_in_every_state_and_light_and_is_idempotent(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "hotline12345" in printed and "显示屏令牌" in printed
    for username in ("operator", "supervisor", "leader", "zjj", "display", "admin"):
        assert username in printed
        assert User.objects.get(username=username).check_password("hotline12345")

    tickets = list(Ticket.objects.all())
    assert 200 <= len(tickets) <= 500
    assert {t.state for t in tickets} == set(TicketState.values)
    now = timezone.now()
    assert {ticket_light(t, now) for t in tickets} == {"green", "yellow", "red", None}
    assert Unit.objects.filter(kind="town").exists() and Unit.objects.filter(kind="enterprise").exists()
    assert Unit.objects.exclude(head_phone="").count() >= 20
    # Through the services: every ticket's story starts with its registration, in the past.
    assert TicketEvent.objects.filter(kind="register").count() == len(tickets)
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    counts = Ticket.objects.count(), TicketEvent.objects.count(), User.objects.count(), Unit.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (Ticket.objects.count(), TicketEvent.objects.count(), User.objects.count(), Unit.objects.count()) == counts


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_seed_demo_on_postgresql(settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())
    assert {t.state for t in Ticket.objects.all()} == set(TicketState.values)
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
