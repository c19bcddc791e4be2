"""Report pages, who may see what, and the xlsx / csv exports re-opened."""
import csv
import io

import pytest
from openpyxl import load_workbook

from reports import rollup

MARCH = "start=2025-03-03&end=2025-03-04"


@pytest.fixture
def refreshed(march):
    rollup.refresh()
    return march


def test_dashboard_shows_kpis_with_denominators(client, supervisor, refreshed):
    client.force_login(supervisor)
    page = client.get(f"/reports/?{MARCH}").content.decode()
    assert "办结率" in page and "40.0%" in page and "2 / 5" in page  # closure 2/5
    assert "33.3%" in page  # on-time 1/3
    assert "数据截至" in page
    assert "echarts.min.js" in page
    assert "已办结的交办工单 ÷ 交办（派单）工单" in page


def test_anonymous_is_sent_to_login_and_display_devices_refused(client, display_device, refreshed):
    assert client.get("/reports/").status_code == 302
    client.force_login(display_device)
    assert client.get("/reports/").status_code == 403


def test_unit_staff_see_only_their_unit(client, staff_b, unit_a, refreshed):
    client.force_login(staff_b)
    page = client.get(f"/reports/?{MARCH}").content.decode()
    assert "受理量" in page
    response = client.get(f"/reports/export.csv?report=ranking&{MARCH}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["县交通运输局"]
    assert client.get(f"/reports/?{MARCH}&unit={unit_a.pk}").status_code == 400  # another unit


def test_leader_reads_but_cannot_refresh(client, leader, refreshed):
    client.force_login(leader)
    assert client.get(f"/reports/ranking/?{MARCH}").status_code == 200
    assert client.post("/reports/refresh/").status_code == 403


def test_supervisor_refreshes_on_demand(client, supervisor, refreshed):
    client.force_login(supervisor)
    response = client.post("/reports/refresh/", {"next": "/reports/ranking/"})
    assert response.status_code == 302 and response["Location"] == "/reports/ranking/"


@pytest.mark.parametrize("query", ["start=2025-13-01", "start=2025-03-05&end=2025-03-01", "channel=fax",
                                   "unit=999999", "by=year", "category=abc", "start=2020-01-01&end=2025-01-01"])
def test_bad_filters_are_400_with_a_message(client, supervisor, query):
    client.force_login(supervisor)
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 400
    assert "无法显示报表" in response.content.decode()


def test_ranking_xlsx_has_chinese_headers_and_numbers(client, supervisor, unit_a, refreshed, settings):
    settings.REPORTS_RANKING_MIN_DUE = 1
    client.force_login(supervisor)
    response = client.get(f"/reports/export.xlsx?report=ranking&{MARCH}")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["单位排名"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["名次", "承办单位", "交办量", "办结率", "按时办结率", "满意率", "回访率", "综合得分"]
    first = [c.value for c in ws[2]]
    assert first[0] == 1 and first[1] == unit_a.name and first[2] == 3
    assert first[3] == pytest.approx(2 / 3, abs=1e-4) and ws.cell(2, 4).number_format == "0.0%"
    assert first[7] == pytest.approx(61.7, abs=0.05)
    notes = [r[0].value for r in wb["说明"].iter_rows()]
    assert any(n and n.startswith("办结率 = ") for n in notes)


def test_trend_csv_is_utf8_with_bom(client, supervisor, refreshed):
    client.force_login(supervisor)
    response = client.get(f"/reports/export.csv?report=trend&{MARCH}&by=day")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["统计周期", "受理量", "交办量"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("2025-03-03", "4"), ("2025-03-04", "3")]
    closure = rows[0].index("办结率(%)")
    assert rows[1][closure] == "66.67"  # 3 March: T1 and T3 closed of T1 T3 T4 dispatched


def test_breakdown_export_by_category_level(client, supervisor, refreshed, leaf_category):
    client.force_login(supervisor)
    response = client.get(f"/reports/export.xlsx?report=breakdown&dimension=cat1&{MARCH}")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(1, 1).value == "一级分类"
    labels = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert labels[leaf_category.parent.parent.name] == 1 and labels["未分类"] == 6


def test_export_rejects_unknown_format(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/reports/export.pdf").status_code == 400
    assert client.get("/reports/export.xlsx?report=secrets").status_code == 400


def test_lights_page_lists_overdue(client, supervisor, refreshed):
    client.force_login(supervisor)
    page = client.get("/reports/lights/?light=red").content.decode()
    assert refreshed[4].number in page
    assert client.get("/reports/lights/?light=blue").status_code == 400


def test_category_page_each_level(client, supervisor, refreshed, leaf_category):
    client.force_login(supervisor)
    for level, name in (("1", leaf_category.parent.parent.name), ("2", leaf_category.parent.name),
                        ("3", leaf_category.name)):
        page = client.get(f"/reports/categories/?{MARCH}&level={level}").content.decode()
        assert name in page and "未分类" in page
    assert client.get(f"/reports/categories/?{MARCH}&level=9").status_code == 400


EXPORT_NAMES = [
    ("xlsx", "report=ranking", "单位排名"),
    ("csv", "report=ranking", "单位排名"),
    ("xlsx", "report=trend", "趋势"),
    ("csv", "report=trend", "趋势"),
    ("xlsx", "report=breakdown&dimension=channel", "渠道统计"),
    ("csv", "report=breakdown&dimension=channel", "渠道统计"),
    ("xlsx", "report=breakdown&dimension=ticket_type", "诉求类型统计"),
    ("xlsx", "report=breakdown&dimension=cat1", "一级分类统计"),
    ("xlsx", "report=breakdown&dimension=cat2", "二级分类统计"),
    ("csv", "report=breakdown&dimension=category", "三级分类统计"),
    ("xlsx", "report=breakdown&dimension=unit", "承办单位统计"),
]


@pytest.mark.parametrize("fmt, query, name", EXPORT_NAMES, ids=[f"{n}.{f}" for f, _q, n in EXPORT_NAMES])
def test_each_export_downloads_under_its_own_name(client, supervisor, refreshed, fmt, query, name):
    from urllib.parse import quote

    client.force_login(supervisor)
    response = client.get(f"/reports/export.{fmt}?{query}&{MARCH}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''{quote(name)}_20250303-20250304.{fmt}")
    if fmt == "xlsx":  # the sheet says what it is, too
        assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == name


def test_export_names_are_distinct():
    assert len({name for _f, _q, name in EXPORT_NAMES}) == 8


def test_ranking_page_and_export_mark_short_samples(client, supervisor, unit_a, unit_b, refreshed, settings):
    settings.REPORTS_RANKING_MIN_DUE = 2  # unit A has 2 judged tickets, unit B 1
    client.force_login(supervisor)
    page = client.get(f"/reports/ranking/?{MARCH}").content.decode()
    table = page[page.index('<table class="grid ranking">'):]
    row_b = table.split(f"<td>{unit_b.name}</td>")[0].rsplit("<tr", 1)[1]
    assert "样本不足" in row_b and 'class="short-sample"' in row_b
    assert "不足 2 件" in page  # the definition states the threshold
    rows = list(csv.reader(io.StringIO(
        client.get(f"/reports/export.csv?report=ranking&{MARCH}").content.decode("utf-8-sig"))))
    by_unit = {r[1]: r for r in rows[1:]}
    assert by_unit[unit_a.name][0] == "1"
    assert by_unit[unit_b.name][0] == "样本不足" and by_unit[unit_b.name][7] == ""
