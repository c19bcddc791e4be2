"""工单明细导出: files that open, the list's filters and visibility, masking, the audit line, bad input."""
import csv
import io

import openpyxl
import pytest
from django.test import Client

from audit.models import AuditAction, AuditEvent
from dispatch import services as d
from hotline.models import Ticket
from tests import factories as fx

URL = "/exports/tickets/download/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user, **params):
    response = client_for(user).get(URL, params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def led_by_b(people, **extra) -> Ticket:
    ticket = fx.registered(people, **extra)
    return d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_b"].unit)


@pytest.fixture
def tickets(people):
    a = fx.dispatched(people, co=False, title="楼道灯坏了很久", content="=cmd|' /C calc'!A0 楼道灯坏了")
    b = led_by_b(people, title="公交站牌破损")
    return a, b


@pytest.mark.django_db
def test_csv_has_the_chosen_columns_in_order_with_chinese_text(people, tickets):
    a, b = tickets
    response, body = download(people["supervisor"], source="tickets", format="csv",
                              columns="title,number,citizen_name,lead_unit,channel,content")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = csv_rows(body)
    assert rows[0] == ["标题", "工单编号", "市民姓名", "主办单位", "来源渠道", "诉求内容"]
    assert rows[1:] == [  # newest first
        ["公交站牌破损", b.number, fx.CITIZEN_NAME, "县交通运输局", "电话", "楼上漏水到我家，物业不管。"],
        ["楼道灯坏了很久", a.number, fx.CITIZEN_NAME, "县住房和城乡建设局", "电话", "'=cmd|' /C calc'!A0 楼道灯坏了"],
    ]


@pytest.mark.django_db
def test_xlsx_opens_with_openpyxl_with_dates_and_chinese(people, tickets):
    a, b = tickets
    response, body = download(people["supervisor"], source="tickets", format="xlsx",
                              columns=["number", "created_at", "state", "light", "category"])
    assert response.status_code == 200
    rows = xlsx_rows(body)
    assert rows[0] == ["工单编号", "登记时间", "状态", "灯色", "诉求分类"]
    assert [r[0] for r in rows[1:]] == [b.number, a.number]
    assert rows[1][2] == "已派单" and rows[1][3] == "绿灯" and rows[1][4] == fx.CATEGORY
    from django.utils import timezone
    registered_local = timezone.localtime(Ticket.objects.get(pk=b.pk).created_at).replace(tzinfo=None)
    assert abs((rows[1][1] - registered_local).total_seconds()) < 1  # a real date, Shanghai time


@pytest.mark.django_db
def test_the_lists_filters_apply(people, tickets):
    a, b = tickets
    unit_a = people["staff_a"].unit
    _, body = download(people["supervisor"], source="tickets", format="csv", columns="number", unit=unit_a.pk)
    assert csv_rows(body)[1:] == [[a.number]]
    _, body = download(people["supervisor"], source="tickets", format="csv", columns="number", q="公交")
    assert csv_rows(body)[1:] == [[b.number]]
    _, body = download(people["supervisor"], source="api", format="csv", columns="number",
                       unit=people["staff_b"].unit.pk, state="dispatched")
    assert csv_rows(body)[1:] == [[b.number]]


@pytest.mark.django_db
def test_a_unit_exports_only_its_own_and_an_outsider_nothing(people, tickets):
    a, _ = tickets
    _, body = download(people["staff_a"], source="unit", format="csv", columns="number,title")
    assert csv_rows(body)[1:] == [[a.number, "楼道灯坏了很久"]]
    # Asking the API list for unit B's tickets gives unit A nothing of B's.
    _, body = download(people["staff_a"], source="api", format="csv", columns="number",
                       unit=people["staff_b"].unit.pk)
    assert csv_rows(body)[1:] == []
    _, body = download(people["outsider"], source="unit", format="xlsx", columns="number")
    assert xlsx_rows(body) == [["工单编号"]]
    # Units cannot export the centre's search.
    response, _ = download(people["staff_a"], source="tickets", format="csv", columns="number")
    assert response.status_code == 403


@pytest.mark.django_db
def test_personal_data_as_the_exporters_role_may_see_it(people):
    # 保密件 (a 举报 would be one too): the caller hidden from everyone outside the centre
    fx.dispatched(people, co=False, is_confidential=True, title="举报张三丰在13812345678旁边违建")
    ordinary = fx.dispatched(people, co=False)
    columns = "number,citizen_name,citizen_phone,title"

    _, body = download(people["supervisor"], source="tickets", format="csv", columns=columns)
    whole = {row[0]: row[1:] for row in csv_rows(body)[1:]}
    assert all(v[:2] == [fx.CITIZEN_NAME, fx.CITIZEN_PHONE] for v in whole.values())

    _, body = download(people["staff_a"], source="unit", format="csv", columns=columns)
    unit_rows = {row[0]: row[1:] for row in csv_rows(body)[1:]}
    assert unit_rows[ordinary.number][:2] == [fx.CITIZEN_NAME, fx.CITIZEN_PHONE]  # a unit calls back
    report = next(v for k, v in unit_rows.items() if k != ordinary.number)
    assert report[:2] == ["保密", ""]  # 举报: the caller hidden from the unit
    assert "13812345678" not in report[2] and fx.CITIZEN_NAME not in report[2]


@pytest.mark.django_db
def test_a_leader_gets_masked_citizens(people):
    ticket = fx.pending(people)  # reported to the leader
    _, body = download(people["leader"], source="api", format="csv", columns="number,citizen_name,citizen_phone")
    assert csv_rows(body)[1:] == [[ticket.number, "张某", "138****5678"]]


@pytest.mark.django_db
def test_every_export_is_recorded_with_its_rows(people, tickets):
    download(people["supervisor"], source="tickets", format="xlsx", columns="number,title", ticket_type="complaint")
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.actor == people["supervisor"]
    assert event.detail["rows"] == 2 and event.detail["columns"] == ["number", "title"]
    assert event.detail["params"]["ticket_type"] == "complaint" and event.detail["source"] == "tickets"
    assert event.detail["completed"] is True and event.detail["file"].endswith(".xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "says"), [
    ({"columns": "number,phone_of_mayor"}, "未知的列"),
    ({"columns": ""}, "请至少选择一列"),
    ({"columns": "number", "state": "flying"}, "state"),
    ({"columns": "number", "date_from": "yesterday"}, "date_from"),
    ({"columns": "number", "colour": "red"}, "未知的筛选条件"),
    ({"columns": "number", "format": "pdf"}, "xlsx 或 csv"),
    ({"columns": "number", "source": "everything"}, "未知的工单列表"),
])
def test_bad_input_is_a_clear_400_and_no_file(people, tickets, params, says):
    response, body = download(people["supervisor"], **({"source": "tickets", "format": "csv"} | params))
    assert response.status_code == 400
    assert "attachment" not in response.get("Content-Disposition", "")
    assert says in body.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()


@pytest.mark.django_db
def test_an_export_above_the_cap_is_refused(people, tickets, settings):
    settings.EXPORTS_MAX_ROWS = 1
    response, body = download(people["supervisor"], source="tickets", format="csv", columns="number")
    assert response.status_code == 400 and "超过 1 条" in body.decode()


@pytest.mark.django_db
def test_the_search_page_has_an_export_button_and_the_chooser_keeps_the_filter(people, tickets):
    client = client_for(people["supervisor"])
    page = client.get("/tickets/", {"q": "公交"}).content.decode()
    assert 'href="/exports/tickets/?source=tickets&amp;q=' in page
    chooser = client.get("/exports/tickets/", {"source": "tickets", "q": "公交"}).content.decode()
    assert 'name="q" value="公交"' in chooser and 'value="citizen_phone"' in chooser
    unit_page = client_for(people["staff_a"]).get("/unit/search/").content.decode()
    assert "/exports/tickets/?source=unit" in unit_page


@pytest.mark.django_db
def test_anonymous_and_display_cannot_export(people, tickets):
    assert Client().get(URL, {"source": "tickets", "format": "csv", "columns": "number"}).status_code == 302
    response, _ = download(people["display"], source="tickets", format="csv", columns="number")
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_broken_off_download_is_recorded_as_such(people, tickets, settings):
    settings.EXPORTS_BATCH_SIZE = 1
    response = client_for(people["supervisor"]).get(URL, {"source": "tickets", "format": "csv", "columns": "number"})
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)  # the header and one row, then the browser goes away
    # The server closes the response: through the test client's wrapper of the stream (the
    # generator behind streaming_content), which keeps the test's own connection open as it
    # does when a response is read to its end.
    response._iterator.close()
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail["completed"] is False and event.detail["rows"] == 1
