"""A scheme and a test month (September 2026) whose events are made through the services at
chosen moments (hotline.clock.frozen_at), so every count is known."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assessment import rollup as assessment_rollup
from assessment.models import Scheme, SchemeIndicator
from dispatch import services as d
from hotline.clock import frozen_at
from reports import rollup as reports_rollup
from tests import factories as f
from tests.web.browser import browser  # noqa: F401 - the headless Chromium fixture for browser tests

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def refresh(moment: str) -> None:
    with frozen_at(at(moment)):
        reports_rollup.refresh()
        assessment_rollup.refresh()


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_scheme(valid_from=dt.date(2026, 1, 1), name="测试方案", closure_weight=40) -> Scheme:
    """closure 40 (0–100%), satisfaction 40 (40–90%), return 20 (0–50%, lower better),
    督办 −2 each (cap 3), 表扬 +1.5 each (cap 5)."""
    scheme = Scheme.objects.create(name=name, valid_from=valid_from)
    SchemeIndicator.objects.bulk_create([
        SchemeIndicator(scheme=scheme, code="closure_rate", weight=closure_weight, rule="linear", lower=0, upper=100),
        SchemeIndicator(scheme=scheme, code="satisfaction_rate", weight=40, rule="linear", lower=40, upper=90),
        SchemeIndicator(scheme=scheme, code="return_rate", weight=20, rule="linear", lower=0, upper=50),
        SchemeIndicator(scheme=scheme, code="supervised", weight=0, rule="deduct", per_event=2, cap=3),
        SchemeIndicator(scheme=scheme, code="praised", weight=0, rule="bonus", per_event="1.5", cap=5),
    ])
    return scheme


@pytest.fixture
def scheme(db) -> Scheme:
    return make_scheme()


def _answer(people, ticket, result):
    ticket = f.fresh(ticket)
    return d.survey_record(ticket=ticket, result=result, actor=people["operator"])


@pytest.fixture
def september(people, scheme):
    """Registered on 10 September 2026 (Thursday), all handled that day:

    T1 lead A: signed, replied, approved, survey 满意 → closed
    T2 lead A: replied, approved, survey 不满意 → reopened (重办), re-dispatched to A (open)
    T3 lead A: 退单 accepted by the centre (no unit now)
    T4 lead A: signed, extension approved, 督办 by the supervisor (open)
    T5 lead B: a praise ticket (表扬), signed (open)
    T6 lead B: a complaint, not signed (open)
    """
    unit_a, unit_b = people["staff_a"].unit, people["staff_b"].unit
    tickets = {}
    with frozen_at(at("2026-09-10 09:00")):
        tickets["T1"] = f.replied(people, co=False)
        tickets["T2"] = f.replied(people, co=False)
        tickets["T3"] = f.returned(people, co=False)
        t4 = f.in_progress(people, co=False)
        extension = d.extension_request(ticket=t4, actor=people["staff_a"], reason="需协调多个部门", extra_days=3)
        d.extension_decide(extension=extension, actor=people["supervisor"], approve=True)
        d.ticket_supervise(ticket=f.fresh(t4), actor=people["supervisor"], note="请加快办理")
        tickets["T4"] = t4
        t5 = f.registered(people, ticket_type="praise")
        d.ticket_dispatch(ticket=t5, actor=people["supervisor"], lead_unit=unit_b)
        d.ticket_sign(ticket=f.fresh(t5), actor=people["staff_b"])
        tickets["T5"] = t5
        t6 = f.registered(people)
        d.ticket_dispatch(ticket=t6, actor=people["supervisor"], lead_unit=unit_b)
        tickets["T6"] = t6
    with frozen_at(at("2026-09-10 15:00")):
        _answer(people, tickets["T1"], "satisfied")
        _answer(people, tickets["T2"], "dissatisfied")
    with frozen_at(at("2026-09-10 16:00")):
        d.ticket_dispatch(ticket=f.fresh(tickets["T2"]), actor=people["supervisor"], lead_unit=unit_a)
    refresh("2026-09-10 18:00")
    return {"A": unit_a, "B": unit_b, **tickets}
