import pytest

from tests.reports.factories import at, make_ticket


@pytest.fixture(autouse=True)
def _empty_cache():
    """Report caches (hot topics, rollup figures) start empty per test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def week(unit_a, unit_b):
    """Tickets registered in the ISO week of Monday 3 March 2025 (and one on 28 February):

    3 March: A1 phone unit A closed (citizen 张三 13800000001), A2 phone unit A closed,
             B1 web unit B in progress, overdue; D1 phone answered directly (closed)
    5 March: B2 sms unit B dispatched (citizen 李四 13800000002)
    28 February: F1 phone unit A closed (outside the week)
    → 3 March: received 4, dispatched 3, closed 2 (closed counts dispatched tickets; D1 is 直接答复).
      The week: received 5, dispatched 4, closed 2.
      March so far: the same 5.
    """
    common = {"dispatched_at": at("2025-03-03 10:00"), "sign_due_at": at("2025-03-04 23:59")}
    due = at("2025-03-10 23:59")
    return [
        make_ticket(created="2025-03-03 09:00", lead_unit=unit_a, state="closed", closed_on_time=True,
                    closed_at=at("2025-03-04 10:00"), signed_at=at("2025-03-03 11:00"), due_at=due,
                    replied_at=at("2025-03-04 09:00"), phone="13800000001", name="张三", **common),
        make_ticket(created="2025-03-03 10:00", lead_unit=unit_a, state="closed", closed_on_time=True,
                    closed_at=at("2025-03-04 11:00"), signed_at=at("2025-03-03 11:00"), due_at=due,
                    replied_at=at("2025-03-04 10:00"), **common),
        make_ticket(created="2025-03-03 11:00", channel="web", lead_unit=unit_b, state="in_progress",
                    signed_at=at("2025-03-03 12:00"), due_at=at("2025-03-04 12:00"), **common),
        make_ticket(created="2025-03-03 12:00", ticket_type="consultation", state="closed",
                    closed_by_hotline=True, closed_on_time=True, closed_at=at("2025-03-03 12:05")),
        make_ticket(created="2025-03-05 09:00", channel="sms", lead_unit=unit_b, state="dispatched",
                    due_at=at("2025-03-20 23:59"), phone="13800000002", name="李四",
                    dispatched_at=at("2025-03-05 10:00")),
        make_ticket(created="2025-02-28 10:00", lead_unit=unit_a, state="closed", closed_on_time=True,
                    dispatched_at=at("2025-02-28 11:00"), closed_at=at("2025-03-01 10:00"),
                    due_at=at("2025-03-05 23:59")),
    ]
