"""The report pages' chart figures (issue 18 item 6): /reports/charts.json gives the same numbers as
the dashboard's json_script, computed by hand from the `march` tickets, in the viewer's scope."""
import json
import re

import pytest

from reports import rollup

MARCH = "start=2025-03-03&end=2025-03-04"


@pytest.fixture
def refreshed(march):
    rollup.refresh()
    return march


def test_chart_numbers(client, supervisor, refreshed):
    client.force_login(supervisor)
    data = client.get(f"/reports/charts.json?{MARCH}").json()
    assert [(r["label"], r["received"]) for r in data["trend"]] == [("2025-03-03", 4), ("2025-03-04", 3)]
    channels = {r["name"]: r["value"] for r in data["channel"] if r["value"]}
    assert channels == {"电话": 4, "短信": 1, "网站": 2}
    assert sum(r["value"] for r in data["cat1"]) == 7
    units = {r["name"]: r["dispatched"] for r in data["units"]}
    assert units == {"县住房和城乡建设局": 3, "县交通运输局": 2}  # A with its sub-unit's T3
    assert list(units) == ["县住房和城乡建设局", "县交通运输局"]  # most dispatched first


def test_the_page_embeds_the_same_figures(client, supervisor, refreshed):
    client.force_login(supervisor)
    page = client.get(f"/reports/?{MARCH}").content.decode()
    embedded = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page,
                                    re.S).group(1))
    assert embedded == client.get(f"/reports/charts.json?{MARCH}").json()
    assert 'id="chart-units"' in page


def test_unit_staff_get_their_units_only(client, staff_b, refreshed):
    client.force_login(staff_b)
    data = client.get(f"/reports/charts.json?{MARCH}").json()
    assert sum(r["received"] for r in data["trend"]) == 2  # T4 and T5
    assert [r["name"] for r in data["units"]] == ["县交通运输局"]


def test_refused_and_bad_input(client, display_device, supervisor, refreshed):
    assert client.get("/reports/charts.json").status_code == 302
    client.force_login(display_device)
    assert client.get("/reports/charts.json").status_code == 403
    client.force_login(supervisor)
    assert client.get("/reports/charts.json?start=nonsense").status_code == 400
