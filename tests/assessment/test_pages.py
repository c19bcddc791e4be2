"""The /assessment/ page, the publish button and the xlsx download, by role."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from assessment.models import PublishedMonth
from audit.models import AuditEvent
from hotline.clock import frozen_at

from .conftest import at

SEPT = "2026-09"


def get(client, user, url):
    client.force_login(user)
    with frozen_at(at("2026-10-02 09:00")):
        return client.get(url)


@pytest.mark.parametrize("who", ["supervisor", "leader"])
def test_centre_sees_the_ranking(client, people, september, who):
    response = get(client, people[who], f"/assessment/?month={SEPT}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "月度考核" in html and "2026年9月" in html
    assert "县住房和城乡建设局" in html and "县交通运输局" in html
    assert "61.5" in html and "31.33" in html
    assert "测试方案" in html  # the scheme in force
    assert 'href="/assessment/"' in html  # the nav link
    assert ("发布2026年9月考核结果" in html) == (who == "supervisor")


def test_unit_sees_only_its_own_score(client, people, september):
    html = get(client, people["staff_a"], f"/assessment/?month={SEPT}").content.decode()
    assert "本单位得分" in html and "县住房和城乡建设局" in html and "31.33" in html
    assert "县交通运输局" not in html and "61.5" not in html
    assert "发布2026年9月考核结果" not in html
    download = get(client, people["staff_a"], f"/assessment/export.xlsx?month={SEPT}")
    workbook = load_workbook(io.BytesIO(download.content))
    names = [row[1].value for row in workbook["考核排名"].iter_rows(min_row=2)]
    assert names == ["县住房和城乡建设局"]


@pytest.mark.parametrize("who", ["display", "operator"])
def test_other_roles_are_refused(client, people, september, who):
    user = people[who]
    response = get(client, user, f"/assessment/?month={SEPT}")
    assert response.status_code == 403
    assert "无权查看月度考核" in response.content.decode()
    assert get(client, user, f"/assessment/export.xlsx?month={SEPT}").status_code == 403


def test_unit_outside_the_ranking_sees_no_one_else(client, people, september):
    html = get(client, people["outsider"], f"/assessment/?month={SEPT}").content.decode()
    assert "本单位2026年9月没有参加考核的数据" in html
    assert "县住房和城乡建设局" not in html and "县交通运输局" not in html


def test_unit_staff_cannot_publish(client, people, september):
    client.force_login(people["staff_a"])
    with frozen_at(at("2026-10-02 09:00")):
        response = client.post("/assessment/publish/", {"month": SEPT})
    assert response.status_code == 302 and not PublishedMonth.objects.exists()


def test_bad_month_is_a_clear_400(client, people, september):
    response = get(client, people["supervisor"], "/assessment/?month=2026-13")
    assert response.status_code == 400
    assert "月份格式应为 YYYY-MM" in response.content.decode()


def test_publish_button_freezes_the_month(client, people, september):
    client.force_login(people["supervisor"])
    with frozen_at(at("2026-10-02 09:00")):
        response = client.post("/assessment/publish/", {"month": SEPT}, follow=True)
    html = response.content.decode()
    assert "考核结果已发布" in html and "已发布" in html
    assert PublishedMonth.objects.get().month == dt.date(2026, 9, 1)
    [record] = AuditEvent.objects.filter(action="published")
    assert record.actor == people["supervisor"] and record.detail["month"] == SEPT and record.detail["units"] >= 2
    with frozen_at(at("2026-10-02 09:05")):
        again = client.post("/assessment/publish/", {"month": SEPT}, follow=True).content.decode()
    assert "已经发布" in again
    assert AuditEvent.objects.filter(action="published").count() == 1, "a refused second publication is not one"


def test_xlsx_download_is_audited(client, people, september):
    response = get(client, people["leader"], f"/assessment/export.xlsx?month={SEPT}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["考核排名"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["名次", "单位", "总分"] and "办结率（比率）" in rows[0]
    assert rows[1][:3] == [1, "县交通运输局", 61.5]
    assert rows[2][:3] == [2, "县住房和城乡建设局", 31.33]
    event = AuditEvent.objects.filter(action="exported").latest("id")
    assert event.detail["file"] == "assessment-2026-09.xlsx" and event.detail["rows"] == 2


def test_no_scheme_says_so(client, people, db):
    html = get(client, people["supervisor"], "/assessment/?month=2026-09").content.decode()
    assert "没有适用的考核方案" in html
