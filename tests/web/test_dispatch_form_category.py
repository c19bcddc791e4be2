"""The supervisor's dispatch form (issue #24): an uncategorised ticket is refused with the reason
on the page and can be given its category there; the lead unit is pre-selected with the
suggested unit (the category's own default unit, else what the console suggested for the text,
else a parent category's default unit), after the leader's choice."""
import pytest

from dispatch import services as ds
from hotline.models import Category, TicketState

pytestmark = pytest.mark.django_db

STREET_LIGHTS = "城乡建设/城市建设和市政管理/城市公共设施"


def category(full_name: str = STREET_LIGHTS) -> Category:
    return Category.objects.get(full_name=full_name)


def selected_lead_unit(html: str) -> str | None:
    import re

    select = re.search(r'<select name="lead_unit".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="(\d+)" selected>', select)
    return chosen.group(1) if chosen else None


def test_an_uncategorised_ticket_shows_the_picker_and_is_refused_without_a_category(web, supervisor, make_ticket,
                                                                                    unit_a):
    ticket = make_ticket(category=None)
    client = web(supervisor)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "未选择分类：派单前须选择" in page and 'id="cat-q"' in page and "category_picker.js" in page
    response = client.post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "note": "请尽快"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "工单尚未选择诉求分类，请先选择分类再派单" in html and 'id="category-errors"' in html
    assert "确认派单" not in html and "请尽快" in html  # what was typed stays
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REGISTERED


def test_the_category_picked_on_the_form_goes_through_the_confirm_step(web, supervisor, make_ticket, unit_a):
    ticket = make_ticket(category=None)
    client = web(supervisor)
    street_lights = category()
    html = client.post(f"/tickets/{ticket.pk}/do/dispatch/",
                       {"lead_unit": unit_a.pk, "category": street_lights.pk}).content.decode()
    assert "确认派单" in html and STREET_LIGHTS in html and "派单时选定" in html
    assert f'name="category" value="{street_lights.pk}"' in html
    response = client.post(f"/tickets/{ticket.pk}/do/dispatch/",
                           {"lead_unit": unit_a.pk, "category": street_lights.pk, "confirm": "1"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED and ticket.category == street_lights
    timeline = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"分类：{STREET_LIGHTS}" in timeline


def test_a_confirm_without_the_category_is_still_refused(web, supervisor, make_ticket, unit_a):
    """The service decides even when the form's first step is skipped (a hand-made POST)."""
    ticket = make_ticket(category=None)
    response = web(supervisor).post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "confirm": "1"})
    assert response.status_code == 400 and "请先选择分类再派单" in response.content.decode()


def test_an_unknown_or_inactive_category_is_refused_on_the_form(web, supervisor, make_ticket, unit_a):
    ticket = make_ticket(category=None)
    client = web(supervisor)
    response = client.post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "category": "999999"})
    assert response.status_code == 400 and "请从分类中选择一个启用的分类" in response.content.decode()
    Category.objects.filter(full_name=STREET_LIGHTS).update(is_active=False)
    response = client.post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk, "category": category().pk})
    assert response.status_code == 400 and "请从分类中选择一个启用的分类" in response.content.decode()


def test_a_categorised_ticket_shows_its_category_and_may_change_it(web, supervisor, make_ticket, unit_a):
    ticket = make_ticket(category=category())
    page = web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"已选：<strong>{STREET_LIGHTS}</strong>" in page and "更改分类" in page
    html = web(supervisor).post(f"/tickets/{ticket.pk}/do/dispatch/", {"lead_unit": unit_a.pk}).content.decode()
    assert "确认派单" in html and "派单时选定" not in html


# --- the suggested unit ---------------------------------------------------------------------

def test_the_categorys_default_unit_is_preselected(web, supervisor, make_ticket, unit_b):
    street_lights = category()
    street_lights.default_unit = unit_b
    street_lights.save()
    ticket = make_ticket(category=street_lights, content="幸福路路灯不亮一周了")
    html = web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert selected_lead_unit(html) == str(unit_b.pk)
    assert f"建议承办单位：<strong>{unit_b.name}</strong>（分类默认承办单位）" in html


def test_the_consoles_suggestion_is_preselected_when_the_category_names_no_unit(web, supervisor, make_ticket,
                                                                                  unit_a, unit_b, operator):
    """No model is trained in the tests: the console's suggestion is then the unit whose duty
    keywords the text names (reports' classifier), as /api/intelligence/suggest/ shows it."""
    unit_b.keywords = "路灯 井盖"
    unit_b.save()
    ticket = make_ticket(category=category(), content="幸福路路灯不亮一周了，井盖也丢了")
    from reports.intelligence import classifier

    assert classifier.suggest(ticket.content)["unit"]["id"] == unit_b.pk  # what the console showed
    html = web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert selected_lead_unit(html) == str(unit_b.pk) and "（智能建议）" in html


def test_a_parent_categorys_unit_is_the_last_resort(web, supervisor, make_ticket, unit_a):
    root = Category.objects.get(full_name="城乡建设")
    root.default_unit = unit_a
    root.save()
    ticket = make_ticket(category=category(), content="说不清楚的事情")
    html = web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert selected_lead_unit(html) == str(unit_a.pk) and "（上级分类默认承办单位）" in html


def test_nothing_to_suggest_leaves_the_choice_open(web, supervisor, make_ticket):
    ticket = make_ticket(category=None, content="说不清楚的事情")
    html = web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert selected_lead_unit(html) is None and 'id="unit-suggestion"' not in html


def test_the_leaders_units_come_before_any_suggestion(web, supervisor, leader, make_ticket, unit_a, unit_b):
    street_lights = category()
    street_lights.default_unit = unit_b
    street_lights.save()
    ticket = make_ticket(category=street_lights)
    ds.ticket_submit_for_approval(ticket=ticket, actor=supervisor, leader=leader)
    ds.ticket_instruct(ticket=ticket, actor=leader, text="请住建局办理", units=[unit_a])
    html = web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert selected_lead_unit(html) == str(unit_a.pk) and 'id="unit-suggestion"' not in html


def test_a_ticket_that_cannot_be_dispatched_asks_no_suggestion(web, supervisor, dispatched, monkeypatch):
    from web.views import tickets

    monkeypatch.setattr(tickets, "_classifier_unit", lambda content: pytest.fail("classifier asked"))
    assert web(supervisor).get(f"/tickets/{dispatched.pk}/").status_code == 200
