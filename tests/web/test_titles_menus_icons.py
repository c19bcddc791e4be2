"""Long titles cut at a boundary, the 统计报表 menu item, /favicon.ico."""
import pytest
from django.template import Context, Template

from hotline.titles import cut_title
from web.context import nav_for

LONG = "关于东门外燃气管道施工后道路一直没有恢复、雨天积水严重影响居民出行的情况反映"


@pytest.mark.parametrize("text, limit, expected", [
    ("路灯坏了", 10, "路灯坏了"),
    ("  路灯\n坏了  ", 10, "路灯 坏了"),
    (LONG, 30, "关于东门外燃气管道施工后道路一直没有恢复…"),  # at the pause 、
    ("噪音扰民，晚上10:30以后还在施工作业严重影响休息", 20, "噪音扰民，晚上10:30以后还在施工作…"),
    ("小区内有120000元的维修基金去向不明请相关部门核查", 10, "小区内有…"),  # not 12000…
    ("Wi-Fi signal at Central Library is down again", 20, "Wi-Fi signal at…"),
    ("路灯ABCDEFGHIJKLMNOPQRSTUVWXYZ坏了", 12, "路灯…"),
    ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10, "ABCDEFGHI…"),  # one word longer than the row: no better cut
    ("", 10, ""),
])
def test_cut_title(text, limit, expected):
    assert cut_title(text, limit) == expected


@pytest.mark.parametrize("text", [LONG, "编号2024031512345的工单编号2024031512345", "No. 3.1415926 and 1,200,000 yuan"])
@pytest.mark.parametrize("limit", range(4, 30))
def test_cut_never_splits_a_number_or_latin_word(text, limit):
    short = cut_title(text, limit)
    assert len(short) <= limit
    if short.endswith("…"):
        head = short[:-1]
        assert text.startswith(head)
        after = text[len(head)] if len(head) < len(text) else ""
        assert not (head[-1].isascii() and head[-1].isalnum() and after.isascii() and after.isalnum()), short
        assert not (head[-1] in ".,:" and after.isdigit()), short


def render(source: str, **context) -> str:
    return Template("{% load web_tags %}" + source).render(Context(context))


def test_tag_puts_the_whole_title_on_hover_and_escapes():
    html = render("{% cut_title t 12 %}", t="<b>路灯</b>坏了很久了，" + LONG)
    assert html.startswith('<span class="cut-title" title="&lt;b&gt;路灯&lt;/b&gt;坏了很久了，关于')
    assert "<b>" not in html and html.endswith("…</span>")
    assert render("{% cut_title t 12 %}", t="<b>短</b>") == "&lt;b&gt;短&lt;/b&gt;"


def test_tap_version_is_focusable_and_holds_the_whole_title():
    html = render("{% cut_title t 12 tap=True %}", t=LONG)
    assert 'tabindex="0"' in html and f'<span class="cut-full">{LONG}</span>' in html
    assert '<span class="cut-short" aria-hidden="true">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("who, has_reports", [
    ("operator", True), ("supervisor", True), ("leader", True), ("staff_a", True), ("display", False),
])
def test_reports_menu_item_for_those_reports_let_in(people, who, has_reports):
    items = nav_for(people[who])
    assert (("reports", "/reports/", "统计报表") in items) is has_reports


@pytest.mark.django_db
def test_operators_menu_leads_to_the_board_they_may_watch(web, operator):
    assert ("board", "/board/", "值班台") in nav_for(operator)
    page = web(operator).get("/board/")
    assert page.status_code == 200 and "/do/urge/" not in page.content.decode()


@pytest.mark.django_db
def test_unit_staff_without_a_unit_gets_no_reports_item(staff_a):
    staff_a.unit = None
    assert ("reports", "/reports/", "统计报表") not in nav_for(staff_a)


@pytest.mark.django_db
def test_admin_menu_keeps_system_settings_last(supervisor):
    supervisor.role = "admin"  # 中心管理员
    items = nav_for(supervisor)
    # 统计报表 then 月度考核 (issue 18) before 管理后台
    assert items[-1][0] == "admin" and [key for key, *_ in items[-3:-1]] == ["reports", "assessment"]


@pytest.mark.django_db
def test_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00" and "max-age" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_unknown_page_is_chinese_and_links_the_icon(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "未找到" in html and 'rel="icon"' in html
