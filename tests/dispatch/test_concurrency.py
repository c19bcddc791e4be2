"""Twenty people pressing a button on one ticket at the same instant, on real PostgreSQL.

Each thread has its own database connection (Django opens one per thread); a barrier
releases them together. Row locks in the services decide who wins; the losers get a 409.
"""
import pytest
from django.db import connection
from rest_framework.test import APIClient

from dispatch.models import Assignment, TicketReturn
from hotline.models import TicketEvent
from tests import factories as f
from tests.concurrency import at_once, unexpected

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

THREADS = 20


def race(user, requests, *, if_match=None):
    """Fire `requests` [(path, body)] at once as `user`; returns [(path, status, json)]."""
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}

    def attempt(path, body):
        client = APIClient()
        client.force_authenticate(user)
        return lambda: (path.rsplit("/", 2)[-2], *answered(client.post(path, body, format="json", **headers)))

    results = at_once(*[attempt(path, body) for path, body in requests])
    assert not unexpected(results), results
    return results


def answered(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def poster(user, path, body):
    """A request as `user`, for at_once: (status, json)."""
    client = APIClient()
    client.force_authenticate(user)
    return lambda: answered(client.post(path, body, format="json"))


def requests_for(ticket, kinds):
    bodies = {"sign": None, "return": {"reason_code": "not_ours", "reason": "非本单位职责，请改派"}}
    return [(f"/api/tickets/{ticket.pk}/{kind}/", bodies[kind]) for kind in kinds]


def events_after_dispatch(ticket):
    # The workflow story only: the SMS gateway adds sms_sent lines for the notices it texts.
    return list(TicketEvent.objects.filter(ticket=ticket).exclude(kind__in=["register", "dispatch", "sms_sent"])
                .order_by("id").values_list("kind", "from_state", "to_state"))


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_twenty_sign_or_return_on_the_version_they_saw_one_wins(people):
    ticket = f.dispatched(people, co=False)
    kinds = ["sign", "return"] * (THREADS // 2)
    results = race(people["staff_a"], requests_for(ticket, kinds), if_match=f'"{ticket.version}"')

    winners = [r for r in results if r[1] == 200]
    losers = [r for r in results if r[1] != 200]
    assert len(winners) == 1
    assert {status for _, status, _ in losers} == {409}
    assert all(body["error"]["message"] for _, _, body in losers)
    won = winners[0][0]
    fresh = f.fresh(ticket)
    # A return is a request now (退单审核): the ticket stays dispatched, its version moves on.
    expected = {"sign": ("sign", "dispatched", "in_progress"), "return": ("return_requested", "", "")}[won]
    assert events_after_dispatch(ticket) == [expected]
    assert fresh.state == (expected[2] or "dispatched") and fresh.version == ticket.version + 1
    assert TicketReturn.objects.filter(ticket=ticket).count() == (1 if won == "return" else 0)


def test_twenty_signatures_one_wins(people):
    ticket = f.dispatched(people, co=False)
    results = race(people["staff_a"], requests_for(ticket, ["sign"] * THREADS))
    assert sorted(status for _, status, _ in results) == [200] + [409] * (THREADS - 1)
    assert events_after_dispatch(ticket) == [("sign", "dispatched", "in_progress")]
    assignment = Assignment.objects.get(ticket=ticket)
    assert assignment.state == Assignment.State.SIGNED and assignment.signed_by == people["staff_a"]


def test_mixed_sign_and_return_without_if_match_stay_consistent(people):
    """Without If-Match, signing and asking to return are both legal, in either order: exactly one
    signature and one return request get through, whatever the order; the rest are 409."""
    ticket = f.dispatched(people, co=False)
    results = race(people["staff_a"], requests_for(ticket, ["return", "sign"] * (THREADS // 2)))
    succeeded = sorted(kind for kind, status, _ in results if status == 200)
    assert {status for _, status, _ in results} <= {200, 409}
    assert succeeded == ["return", "sign"]
    events = events_after_dispatch(ticket)
    assert sorted(events) == [("return_requested", "", ""), ("sign", "dispatched", "in_progress")]
    assert f.fresh(ticket).state == "in_progress"
    assert TicketReturn.objects.filter(ticket=ticket, state="pending").count() == 1


def test_two_supervisors_accepting_and_refusing_one_return_at_once_one_wins(people):
    """Accept and refuse race on the pending request: a conditional UPDATE of its row decides,
    so one supervisor's decision stands and the other gets 409 return_not_pending."""
    from tests.conftest import make_user

    ticket = f.with_pending_return(people, co=False)
    second = make_user("supervisor2", "supervisor", display_name="值班长小王")
    outcomes = at_once(
        poster(people["supervisor"], f"/api/tickets/{ticket.pk}/return/accept/", {"note": "同意"}),
        poster(second, f"/api/tickets/{ticket.pk}/return/refuse/", {"reason": "属本单位职责"}))
    assert not unexpected(outcomes), outcomes
    answers = dict(zip(("accept", "refuse"), outcomes, strict=True))
    statuses = sorted(status for status, _ in answers.values())
    assert statuses == [200, 409], answers
    winner = next(name for name, (status, _) in answers.items() if status == 200)
    loser = answers["refuse" if winner == "accept" else "accept"][1]
    assert loser["error"]["code"] == "return_not_pending"
    request = TicketReturn.objects.get(ticket=ticket)
    fresh = f.fresh(ticket)
    if winner == "accept":
        assert (request.state, request.decided_by, fresh.state) == ("accepted", people["supervisor"], "returned")
        assert not TicketEvent.objects.filter(ticket=ticket, kind="return_refused").exists()
    else:
        assert (request.state, request.decided_by, fresh.state) == ("refused", second, "dispatched")
        assert not TicketEvent.objects.filter(ticket=ticket, kind="return").exists()


def test_office_and_unit_at_once_do_not_deadlock(people):
    """The unit returns while the office merges: locks are taken in one order, so one waits."""
    ticket = f.dispatched(people, co=False)
    keep = f.registered(people)
    staff, office = people["staff_a"], people["supervisor"]
    outcomes = at_once(
        poster(staff, f"/api/tickets/{ticket.pk}/return/", {"reason_code": "not_ours", "reason": "改派"}),
        poster(office, f"/api/tickets/{ticket.pk}/merge/", {"into": keep.number}))
    assert not unexpected(outcomes), outcomes
    statuses = {name: status for name, (status, _) in zip(("return", "merge"), outcomes, strict=True)}
    assert set(statuses.values()) <= {200, 409} and statuses["merge"] == 200
    assert f.fresh(ticket).state == "merged"
    # A request that came first was withdrawn by the merge; one that came second was refused.
    assert not TicketReturn.objects.filter(ticket=ticket, state="pending").exists()
