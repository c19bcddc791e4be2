"""挂起 (issue 16, item 4) on real PostgreSQL: supervisors approving and refusing one request at
the same instant (one wins, the others get 409), and two sweeps resuming at once (one resumes)."""
import pytest
from django.db import connection

from dispatch import services as d
from dispatch.models import Suspension
from hotline.models import TicketEvent
from tests import factories as f
from tests.concurrency import at_once, unexpected

from .test_concurrency import race

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
THREADS = 10


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_concurrent_approve_and_refuse_one_wins_the_others_get_409(people):
    ticket = f.with_pending_suspension(people)
    path = f"/api/tickets/{ticket.pk}/suspension-decide/"
    requests = [(path, {"approve": i % 2 == 0, "note": f"第{i}位值班长"}) for i in range(THREADS)]
    results = race(people["supervisor"], requests)
    winners = [body for _, status, body in results if status == 200]
    losers = [body for _, status, body in results if status != 200]
    assert len(winners) == 1
    assert {status for _, status, _ in results if status != 200} == {409}
    assert {body["error"]["code"] for body in losers} <= {"suspension_decided", "state_conflict"}
    row = Suspension.objects.get(ticket=ticket)
    decided = TicketEvent.objects.filter(ticket=ticket, kind__in=["suspend", "suspension_rejected"])
    assert decided.count() == 1
    expected = "suspended" if row.state == "active" else "in_progress"
    assert f.fresh(ticket).state == expected == winners[0]["state"]


def test_two_sweeps_at_once_resume_a_ticket_once(people, settings):
    from django.utils import timezone

    ticket = f.suspended(people)
    Suspension.objects.filter(ticket=ticket).update(resume_by=timezone.now())
    sweeps = at_once(d.suspensions_resume_due, d.suspensions_resume_due)
    assert not unexpected(sweeps), sweeps
    assert [pk for resumed in sweeps for pk in resumed] == [ticket.pk]
    assert TicketEvent.objects.filter(ticket=ticket, kind="resume").count() == 1
