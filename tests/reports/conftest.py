import datetime as dt

import pytest
from django.utils import timezone

from hotline.models import Category, Unit

from .factories import at, make_ticket


@pytest.fixture(autouse=True)
def _empty_cache():
    """Report caches (light counts, hot topics, the display snapshot) start empty per test."""
    from django.core.cache import cache

    from reports import display

    cache.clear()
    display._local.update(entry=None, until=0.0)
    yield
    cache.clear()


@pytest.fixture
def unit_a_sub(unit_a) -> Unit:
    return Unit.objects.create(name="县住建局城建监察大队", code="zjj-jc", parent=unit_a)


@pytest.fixture
def leaf_category(db) -> Category:
    return Category.objects.filter(level=3).order_by("full_name").first()


@pytest.fixture
def march(unit_a, unit_b, unit_c, unit_a_sub, leaf_category):
    """Seven tickets registered on 3 and 4 March 2025 plus one on 28 February, each
    in a known state. The tests compute every KPI from this table by hand:

    T1 phone 投诉 unit A    closed on time, signed on time, survey 满意 (resolved)
    T2 phone 咨询 —         answered directly by the hotline (closed)
    T3 sms   求助 A's sub   closed late, signed late, surveys 不满意 then 基本满意 (neither resolved)
    T4 web   投诉 unit B    in progress, overdue, signed on time   (registered 23:30 on 3 March)
    T5 web   投诉 unit B    in progress, due in the future, unsigned (registered 00:10 on 4 March)
    T6 phone 求助 unit A    replied before its deadline, signed on time, survey pending
    T7 phone 其他 —         registered, not dispatched
    T8 phone 投诉 unit A    closed, registered 28 February (outside March)
    """
    past_due = at("2025-03-10 23:59")
    future_due = timezone.now() + dt.timedelta(days=10)
    common = {"dispatched_at": at("2025-03-03 10:00"), "sign_due_at": at("2025-03-04 23:59")}
    t = {}
    t[1] = make_ticket(created="2025-03-03 09:00", lead_unit=unit_a, category=leaf_category, state="closed",
                       closed_on_time=True, closed_at=at("2025-03-05 10:00"), signed_at=at("2025-03-03 11:00"),
                       due_at=past_due, replied_at=at("2025-03-05 09:00"), surveys=[("satisfied", True)],
                       phone="13800000001", name="张三", **common)
    t[2] = make_ticket(created="2025-03-03 09:30", ticket_type="consultation", state="closed",
                       closed_by_hotline=True, closed_on_time=True, closed_at=at("2025-03-03 09:35"))
    t[3] = make_ticket(created="2025-03-03 14:00", channel="sms", ticket_type="help", lead_unit=unit_a_sub,
                       state="closed", closed_on_time=False, closed_at=at("2025-03-20 10:00"),
                       signed_at=at("2025-03-06 10:00"), due_at=past_due, replied_at=at("2025-03-15 10:00"),
                       surveys=[("dissatisfied", False), ("basic", False)], **common)
    t[4] = make_ticket(created="2025-03-03 23:30", channel="web", lead_unit=unit_b, state="in_progress",
                       signed_at=at("2025-03-04 08:00"), due_at=past_due, **common)
    t[5] = make_ticket(created="2025-03-04 00:10", channel="web", lead_unit=unit_b, state="dispatched",
                       due_at=future_due, **common)
    t[6] = make_ticket(created="2025-03-04 08:00", ticket_type="help", lead_unit=unit_a, state="replied",
                       signed_at=at("2025-03-04 09:00"), due_at=past_due, replied_at=at("2025-03-08 10:00"),
                       surveys=[(None, None)], **common)
    t[7] = make_ticket(created="2025-03-04 16:00", ticket_type="other")
    t[8] = make_ticket(created="2025-02-28 10:00", lead_unit=unit_a, state="closed", closed_on_time=True,
                       dispatched_at=at("2025-02-28 11:00"), closed_at=at("2025-03-01 10:00"),
                       due_at=at("2025-03-05 23:59"))
    return t
