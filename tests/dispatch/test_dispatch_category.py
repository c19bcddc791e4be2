"""A ticket goes to a unit only with a category (issue #24): the service and the API refuse an
uncategorised ticket with a clear error on the field `category`, and take the category in the
same step; the deadline and the approval rule follow the category given."""
import pytest

from dispatch import services as d
from dispatch.models import ApprovalPolicy, TimeLimitPolicy
from hotline.errors import Conflict, InvalidInput
from hotline.models import Category, TicketState
from tests.factories import fresh, registered

pytestmark = pytest.mark.django_db

STREET_LIGHTS = "城乡建设/城市建设和市政管理/城市公共设施"
NOISE = "环境保护/环境污染/噪音污染"


def category(full_name: str) -> Category:
    return Category.objects.get(full_name=full_name)


def test_an_uncategorised_ticket_is_refused_and_stays_registered(people, unit_a):
    ticket = registered(people, category=None)
    with pytest.raises(Conflict) as refused:
        d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)
    assert refused.value.field == "category" and refused.value.code == "category_required"
    assert "诉求分类" in refused.value.message
    ticket = fresh(ticket)
    assert ticket.state == TicketState.REGISTERED and ticket.lead_unit is None
    assert list(ticket.events.values_list("kind", flat=True)) == ["register"]


def test_the_category_given_at_dispatch_is_kept_and_on_the_timeline(people, unit_a):
    ticket = registered(people, category=None)
    dispatched = d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a,
                                   category=category(STREET_LIGHTS))
    assert dispatched.state == TicketState.DISPATCHED and fresh(ticket).category.full_name == STREET_LIGHTS
    event = ticket.events.get(kind="dispatch")
    assert event.payload["category"] == STREET_LIGHTS and event.payload["category_id"] == category(STREET_LIGHTS).pk


def test_a_categorised_ticket_needs_nothing_more_and_may_be_corrected(people, unit_a):
    ticket = registered(people)  # the factories' tickets carry 物业服务
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)
    assert "category" not in ticket.events.get(kind="dispatch").payload  # unchanged: not repeated

    other = registered(people)
    d.ticket_dispatch(ticket=other, actor=people["supervisor"], lead_unit=unit_a, category=category(NOISE))
    assert fresh(other).category.full_name == NOISE


def test_an_inactive_category_is_refused(people, unit_a):
    ticket = registered(people, category=None)
    Category.objects.filter(full_name=STREET_LIGHTS).update(is_active=False)
    with pytest.raises(InvalidInput) as refused:
        d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a,
                          category=category(STREET_LIGHTS))
    assert refused.value.field == "category" and "已停用" in refused.value.message


def test_a_ticket_that_cannot_be_dispatched_says_so_rather_than_asking_for_a_category(people, unit_a):
    ticket = registered(people, category=None, ticket_type="consultation")
    from hotline.services import tickets as t

    t.ticket_answer_directly(ticket=ticket, actor=people["operator"], answer="已当场答复")
    with pytest.raises(Conflict):
        d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a)


def test_the_deadline_and_the_approval_rule_follow_the_category_given(people, unit_a):
    TimeLimitPolicy.objects.create(name="路灯两天", category=category(STREET_LIGHTS), limit_unit="clock_hours",
                                   handle_limit=48, sign_limit=2)
    ticket = registered(people, category=None)
    dispatched = d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a,
                                   category=category(STREET_LIGHTS))
    assert round((dispatched.due_at - dispatched.dispatched_at).total_seconds() / 3600) == 48

    ApprovalPolicy.objects.create(name="噪音须批示", category=category(NOISE), leader=people["leader"])
    ticket = registered(people, category=None)
    with pytest.raises(Conflict) as refused:
        d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=unit_a, category=category(NOISE))
    assert refused.value.code == "approval_required" and fresh(ticket).category is None


# --- the API ------------------------------------------------------------------------------

def test_the_api_refuses_dispatch_without_a_category_with_a_clear_error(api, people, unit_a):
    ticket = registered(people, category=None)
    response = api(people["supervisor"]).post(f"/api/tickets/{ticket.pk}/dispatch/", {"lead_unit": unit_a.pk},
                                              format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "category_required" and error["field"] == "category"
    assert "请先选择分类再派单" in error["message"]
    assert fresh(ticket).state == TicketState.REGISTERED


def test_the_api_dispatches_with_the_category_in_the_same_call(api, people, unit_a):
    ticket = registered(people, category=None)
    street_lights = category(STREET_LIGHTS)
    response = api(people["supervisor"]).post(f"/api/tickets/{ticket.pk}/dispatch/",
                                              {"lead_unit": unit_a.pk, "category": street_lights.pk}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "dispatched" and body["category"] == street_lights.pk
    assert body["category_name"] == STREET_LIGHTS


def test_the_api_answers_an_unknown_category_as_it_answers_an_unknown_unit(api, people, unit_a):
    ticket = registered(people, category=None)
    response = api(people["supervisor"]).post(f"/api/tickets/{ticket.pk}/dispatch/",
                                              {"lead_unit": unit_a.pk, "category": 99999999}, format="json")
    assert response.status_code == 404 and response.json()["error"]["field"] == "category"
    assert fresh(ticket).state == TicketState.REGISTERED


@pytest.mark.parametrize("value", ["abc", [1], {"id": 1}])
def test_the_api_refuses_a_malformed_category(api, people, unit_a, value):
    ticket = registered(people, category=None)
    response = api(people["supervisor"]).post(f"/api/tickets/{ticket.pk}/dispatch/",
                                              {"lead_unit": unit_a.pk, "category": value}, format="json")
    assert response.status_code == 400 and response.json()["error"]["field"] == "category"
    assert fresh(ticket).state == TicketState.REGISTERED
