"""Rulings at the same instant on real PostgreSQL: of supervisors upholding and rejecting one
appeal at once exactly one wins, the others get 409, and one ruling event is written."""
import pytest
from django.db import connection

from appeals.models import Appeal
from appeals.services import appeal_file, appeal_reject, appeal_uphold
from hotline.errors import Conflict
from hotline.models import TicketEvent
from tests.concurrency import at_once, unexpected

from .conftest import dissatisfied

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
THREADS = 6


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_concurrent_rulings_one_wins(people):
    ticket = dissatisfied(people)
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason="已按政策答复")
    def ruling(i: int):
        if i % 2:
            return lambda: appeal_uphold(appeal=appeal, actor=people["supervisor"], note=f"第{i}位成立")
        return lambda: appeal_reject(appeal=appeal, actor=people["supervisor"], reason=f"第{i}位驳回")

    outcomes = at_once(*[ruling(i) for i in range(THREADS)])
    assert not unexpected(outcomes, Conflict), outcomes
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == THREADS - 1
    assert TicketEvent.objects.filter(ticket=ticket, kind__in=["appeal_upheld", "appeal_rejected"]).count() == 1
    assert Appeal.objects.get(pk=appeal.pk).state in ("upheld", "rejected")
