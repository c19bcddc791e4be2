"""The reports' area map: counts and red lights per town for a period, counted by hand, and the
drill-down list a click opens; who sees what."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hotline.models import Ticket
from places.geo import county
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # GROUP BY and the light filters on PostgreSQL too


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tickets(people):
    """槐店镇: 2 dispatched (1 red) + 1 registered; 老城镇: 1 dispatched, yellow; no town: 1;
    槐店镇 last year: 1 (outside the period)."""
    now = timezone.now()
    red = f.dispatched(people, co=False, area="槐店镇")
    Ticket.objects.filter(pk=red.pk).update(due_at=now - dt.timedelta(hours=2))
    green = f.dispatched(people, co=False, area="槐店镇")
    Ticket.objects.filter(pk=green.pk).update(due_at=now + dt.timedelta(days=5), warn_at=now + dt.timedelta(days=4))
    f.registered(people, area="槐店镇")
    yellow = f.dispatched(people, co=False, area="老城镇")
    Ticket.objects.filter(pk=yellow.pk).update(due_at=now + dt.timedelta(hours=5), warn_at=now - dt.timedelta(hours=1))
    f.registered(people)
    old = f.registered(people, area="槐店镇")
    Ticket.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=400))
    return {"red": red, "green": green, "yellow": yellow, "old": old}


def test_counts_and_red_lights_per_town(people, tickets):
    data = client_for(people["supervisor"]).get("/reports/areas/data.json").json()
    areas = {a["name"]: a for a in data["areas"]}
    assert list(areas) == list(county().towns)  # every town, in the map's order, zeros included
    assert areas["槐店镇"] == {"name": "槐店镇", "total": 3, "open": 2, "red": 1, "yellow": 0}
    assert areas["老城镇"] == {"name": "老城镇", "total": 1, "open": 1, "red": 0, "yellow": 1}
    assert areas["城关镇"]["total"] == 0
    assert data["unplaced"]["total"] == 1 and data["max"] == 3
    today = timezone.localdate()
    assert data["start"] == today.replace(day=1).isoformat() and data["end"] == today.isoformat()


def test_a_period_that_holds_last_years_ticket(people, tickets):
    day = timezone.localtime(Ticket.objects.get(pk=tickets["old"].pk).created_at).date()
    data = client_for(people["supervisor"]).get(
        f"/reports/areas/data.json?start={day}&end={day}").json()
    assert {a["name"]: a["total"] for a in data["areas"]}["槐店镇"] == 1


def test_a_bad_period_is_a_clear_400(people):
    response = client_for(people["supervisor"]).get("/reports/areas/data.json?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.json()["error"]["message"]


def test_a_unit_counts_only_its_own_tickets(people, tickets):
    f.dispatched(people, co=False, area="槐店镇")  # lead A
    b_ticket = f.registered(people, area="槐店镇")
    from dispatch import services as d

    d.ticket_dispatch(ticket=b_ticket, actor=people["supervisor"], lead_unit=people["staff_b"].unit)
    data = client_for(people["staff_b"]).get("/reports/areas/data.json").json()
    assert {a["name"]: a["total"] for a in data["areas"]}["槐店镇"] == 1


def test_display_and_anonymous_are_kept_out(people):
    assert Client().get("/reports/areas/data.json").status_code == 302
    assert client_for(people["display"]).get("/reports/areas/").status_code == 403


def test_the_map_page_carries_the_figures_for_the_script_and_a_table(people, tickets):
    html = client_for(people["supervisor"]).get("/reports/areas/").content.decode()
    assert 'id="area-map"' in html and 'id="area-map-data"' in html and "places/area_map.js" in html
    assert "vendor/echarts/echarts.min.js" in html and "<script>" not in html
    assert "/reports/areas/tickets/?area=%E6%A7%90%E5%BA%97%E9%95%87" in html  # 槐店镇


def test_drill_down_lists_a_towns_tickets_and_its_red_ones(people, tickets):
    client = client_for(people["supervisor"])
    html = client.get("/reports/areas/tickets/", {"area": "槐店镇"}).content.decode()
    assert "共 3 件" in html and tickets["red"].number in html and tickets["old"].number not in html
    red = client.get("/reports/areas/tickets/", {"area": "槐店镇", "light": "red"}).content.decode()
    assert "共 1 件" in red and tickets["red"].number in red and tickets["green"].number not in red
    unplaced = client.get("/reports/areas/tickets/", {"area": "未标注区域"}).content.decode()
    assert "共 1 件" in unplaced


def test_drill_down_respects_visibility(people, tickets):
    html = client_for(people["staff_b"]).get("/reports/areas/tickets/", {"area": "槐店镇"}).content.decode()
    assert "共 0 件" in html and tickets["red"].number not in html
    mine = client_for(people["staff_a"]).get("/reports/areas/tickets/", {"area": "槐店镇"}).content.decode()
    assert "共 2 件" in mine and f'/unit/tickets/{tickets["red"].pk}/' in mine


def test_an_unknown_area_is_refused(people):
    response = client_for(people["supervisor"]).get("/reports/areas/tickets/", {"area": "火星镇"})
    assert response.status_code == 400 and "不在本县乡镇列表中" in response.content.decode()


def test_the_geojson_is_a_tiling_of_the_demo_towns():
    import json

    from demo.county_map import county_geojson, town_names
    from places.geo import geojson_path

    data = county_geojson()
    assert json.loads(geojson_path().read_text(encoding="utf-8")) == data  # manage.py county_geojson wrote it
    assert [feature["properties"]["name"] for feature in data["features"]] == town_names()
    shipped = county()
    assert list(shipped.towns) == town_names()
    for town in shipped.towns.values():  # each centre point lies in its own polygon only
        inside = [t.name for t in shipped.towns.values()
                  if shipped.town_at(float(town.latitude), float(town.longitude)) is t]
        assert inside == [town.name]
