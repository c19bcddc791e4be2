"""The demo county: every state and every light, through the services, and idempotent."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import PublishedCase
from dispatch.deadlines import ticket_light
from hotline.models import Ticket, TicketEvent, TicketState, Unit, User

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_county_in_every_state_and_light_and_is_idempotent(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "hotline12345" in printed and "显示屏令牌" in printed
    for username in ("operator", "supervisor", "leader", "zjj", "display", "admin", "sysadmin", "secadmin", "auditor"):
        assert username in printed
        assert User.objects.get(username=username).check_password("hotline12345")
    # 三员分立: the three administrators are shown, and no demo account is a superuser (bootstrap only).
    for label in ("系统管理员", "安全管理员", "审计管理员", "中心管理员"):
        assert label in printed
    assert not User.objects.filter(is_superuser=True).exists()
    assert {u.username: u.role for u in User.objects.filter(username__in=["sysadmin", "secadmin", "auditor"])} == {
        "sysadmin": "sysadmin", "secadmin": "secadmin", "auditor": "auditor"}

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
    # The portal's 办理公开 shows reviewed cases from the start, without the citizens' names or phones.
    cases = list(PublishedCase.objects.select_related("ticket__citizen"))
    assert len(cases) == 12 and "典型案例：公开 12 个" in printed
    for case in cases:
        public = case.title + case.summary + case.answer
        assert case.ticket.citizen.phone not in public and (case.ticket.citizen.name or "\0") not in public
    # 退单审核 and 改派 (issue 16): tickets returned and waiting for re-dispatch, requests waiting on
    # the board, a refusal the unit reads on its page, and reassigned tickets in the old units' 已办.
    from dispatch.models import Assignment, TicketReturn

    returns = TicketReturn.objects.all()
    assert Ticket.objects.filter(state="returned", returns__state="accepted").count() >= 3
    pending = returns.filter(state="pending").select_related("ticket")
    assert pending.count() >= 3 and all(r.ticket.state in ("dispatched", "in_progress") for r in pending)
    refused = returns.filter(state="refused").select_related("ticket")
    assert refused.exists() and all(r.ticket.lead_unit_id == r.unit_id and r.decision_note for r in refused)
    assert Assignment.objects.filter(state="reassigned", role="lead").count() >= 2
    # Issue 16 (二级派单): tickets handed down to a sub-unit with a login, in each step of the review.
    from dispatch.models import Assignment

    subs = Assignment.objects.filter(role="sub")
    assert subs.count() == 7 and "cgz_xfsq" in printed and "zjj_wy" in printed
    assert subs.filter(state="pending").exists() and subs.filter(state="replied", accepted_at__isnull=True).exists()
    assert subs.filter(accepted_at__isnull=False, ticket__state="replied").exists()
    counts = Ticket.objects.count(), TicketEvent.objects.count(), User.objects.count(), Unit.objects.count()
    User.objects.filter(username="admin").update(is_superuser=True, is_staff=True)  # as an older demo made it
    call_command("seed_demo", stdout=StringIO())
    assert (Ticket.objects.count(), TicketEvent.objects.count(), User.objects.count(), Unit.objects.count()) == counts
    assert not User.objects.get(username="admin").is_superuser


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


def test_demo_tickets_tell_a_true_story(settings):
    """Each ticket's category comes from its own words, and it went to the unit that handles
    that category; both leaders have tickets waiting; the display and reports are full at once."""
    from demo.topics import TOPICS, topic_for
    from hotline.models import Category

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())

    assert Category.objects.filter(full_name__in=[t.path for t in TOPICS]).count() == len({t.path for t in TOPICS})
    by_path = {t.path: t for t in TOPICS}
    # A ticket whose 退单 request waits for the centre is with the wrong unit on purpose.
    handled = Ticket.objects.filter(lead_unit__isnull=False).exclude(state="returned").exclude(
        returns__state="pending").select_related("category", "lead_unit")
    assert handled.count() > 150
    for ticket in handled:
        topic = by_path.get(ticket.category.full_name)
        expected = topic.unit if topic else None
        if expected:
            assert ticket.lead_unit.code == expected, (ticket.title, ticket.category.full_name)
        if ticket.category.level == 3:  # chosen from the ticket's own words
            assert topic_for(ticket.category.full_name.split("/")[0], ticket.title, ticket.content) == topic
    bus = Ticket.objects.get(title__contains="公交车延迟收班")
    assert bus.category.full_name == "城乡建设/城市建设和市政管理/公共汽车" and bus.lead_unit.code == "gjgs"
    fumes = Ticket.objects.get(title__contains="山水华庭业主受不了餐馆油烟")
    assert fumes.category.full_name == "环境保护/环境污染/大气污染"
    waiting = Ticket.objects.filter(state="pending_approval")
    assert {t.leader.username for t in waiting} == {"leader", "leader2"}


def test_demo_display_and_reports_are_full_from_the_first_minute(settings, api):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())
    from rest_framework.authtoken.models import Token

    device = User.objects.get(username="display")
    summary = api().get("/api/display/summary.json", HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=device)}")
    body = summary.json()
    assert body["today"]["received"] > 0 and body["month"]["received"] > 0
    assert body["hot_topics"] and body["ranking"]
    assert not any(any(c.isdigit() for c in h["term"]) for h in body["hot_topics"])  # no "A7" place codes
    supervisor = User.objects.get(username="supervisor")
    from django.test import Client

    page = Client()
    page.force_login(supervisor)
    text = page.get("/reports/").content.decode()
    assert "数据截至" in text and "数据尚未汇总" not in text
