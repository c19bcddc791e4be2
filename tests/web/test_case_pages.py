"""The public case list shows only reviewed cases, searchable and filterable; the review page publishes."""
import pytest
from django.core.cache import cache

from cases import services
from cases.models import PublishedCase
from tests.cases import conftest as case_fixtures
from web.models import CaseVote

pytestmark = pytest.mark.django_db

close_ticket = case_fixtures.close_ticket
two_roots = case_fixtures.two_roots


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def publish(ticket, actor, **texts):
    texts = {"title": "路灯维修", "summary": "市民反映路灯不亮", "answer": "已修复"} | texts
    return services.case_publish(ticket=ticket, actor=actor, **texts)


def test_closed_tickets_show_only_once_reviewed(web, close_ticket, supervisor):
    ticket = close_ticket(content="东门外路灯坏了一个月")
    html = web().get("/portal/cases/").content.decode()
    assert "东门外路灯" not in html and "暂无公开案例" in html
    publish(ticket, supervisor, title="东门外路灯修复", summary="东门外路灯坏了一个月")
    html = web().get("/portal/cases/").content.decode()
    assert "东门外路灯修复" in html and "共 1 个公开案例" in html
    services.case_withdraw(ticket=ticket, actor=supervisor)
    assert "东门外路灯修复" not in web().get("/portal/cases/").content.decode()


def test_public_list_never_shows_names_or_phones(web, close_ticket, supervisor):
    ticket = close_ticket(content="我是张三丰，电话13812345678，路灯坏了", reply="已修复，联系人13999998888")
    client = web(supervisor)
    draft = client.get(f"/tickets/{ticket.pk}/case/").content.decode()
    form = {"title": "张三丰反映路灯坏了", "summary": "我是张三丰，电话13812345678，路灯坏了",
            "answer": "已修复，联系人13999998888"}
    assert client.post(f"/tickets/{ticket.pk}/case/", form).status_code == 302
    html = web().get("/portal/cases/").content.decode()
    assert "路灯坏了" in html and "张某" in html
    for secret in ("张三丰", "13812345678", "13999998888"):
        assert secret not in html
        assert secret not in draft.split('id="case-form"')[1]  # the draft offered to the reviewer


def test_search_category_and_month_filters(web, close_ticket, supervisor, two_roots):
    publish(close_ticket(category=two_roots[0]), supervisor, title="路灯不亮", summary="东门路灯坏了")
    noise = publish(close_ticket(category=two_roots[1]), supervisor, title="夜间施工噪音", summary="工地施工扰民")
    PublishedCase.objects.filter(pk=noise.pk).update(closed_at="2025-03-15T12:00:00+08:00")

    def titles(**params):
        html = web().get("/portal/cases/", params).content.decode()
        return {t for t in ("路灯不亮", "夜间施工噪音") if t in html}, html

    assert titles(q="路灯")[0] == {"路灯不亮"}
    assert titles(q="施工 扰民")[0] == {"夜间施工噪音"}
    shown, html = titles(q="不存在的词")
    assert shown == set() and "没有符合条件的案例" in html
    assert titles(category=str(two_roots[1].root_id))[0] == {"夜间施工噪音"}
    assert titles(month="2025-03")[0] == {"夜间施工噪音"}
    assert 'value="2025-03"' in html and "2025年3月" in html  # the month filter offers it
    # A value that is not offered is said so and left out; the rest still applies.
    shown, html = titles(category="999999", q="路灯")
    assert shown == {"路灯不亮"} and "请从列表中选择分类" in html
    shown, html = titles(q="长" * 51)
    assert "关键词不能超过50个字" in html


def test_pages_keep_the_filters(web, close_ticket, supervisor):
    for n in range(12):
        publish(close_ticket(), supervisor, title=f"路灯案例{n:02d}")
    first = web().get("/portal/cases/", {"q": "路灯"}).content.decode()
    assert "第 1 / 2 页" in first and "q=%E8%B7%AF%E7%81%AF&amp;page=2" in first
    second = web().get("/portal/cases/", {"q": "路灯", "page": "2"}).content.decode()
    assert second.count('class="card case"') == 2
    assert "第 2 / 2 页" in web().get("/portal/cases/", {"page": "99"}).content.decode()
    assert "第 1 / 2 页" in web().get("/portal/cases/", {"page": "x"}).content.decode()


def test_votes_only_on_published_cases_and_back_to_the_same_list(web, close_ticket, supervisor):
    published = close_ticket()
    publish(published, supervisor)
    unpublished = close_ticket()
    client = web()
    r = client.post(f"/portal/cases/{published.pk}/vote/", {"choice": "satisfied", "back": "?q=路灯&page=1"})
    assert r.status_code == 302 and r["Location"].startswith("/portal/cases/?q=")
    assert client.post(f"/portal/cases/{unpublished.pk}/vote/", {"choice": "satisfied"}).status_code == 404
    r = client.post(f"/portal/cases/{published.pk}/vote/", {"choice": "satisfied", "back": "//evil.example/"})
    assert r["Location"].startswith("/portal/cases/#")
    assert CaseVote.objects.count() == 1


def test_ticket_page_offers_the_review_to_the_office_only(web, close_ticket, supervisor, operator):
    ticket = close_ticket()
    assert "审核公开为典型案例" in web(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "审核公开为典型案例" not in web(operator).get(f"/tickets/{ticket.pk}/").content.decode()
    assert web(operator).get(f"/tickets/{ticket.pk}/case/").status_code == 403
    assert web(operator).post(f"/tickets/{ticket.pk}/case/", {"title": "x", "summary": "y"}).status_code == 403
    assert not PublishedCase.objects.exists()


def test_review_page_publishes_edits_and_withdraws(web, close_ticket, supervisor):
    ticket = close_ticket()
    client = web(supervisor)
    bad = client.post(f"/tickets/{ticket.pk}/case/", {"title": "", "summary": "路灯"})
    assert bad.status_code == 400 and "请填写公开标题" in bad.content.decode()
    r = client.post(f"/tickets/{ticket.pk}/case/", {"title": "路灯修好了", "summary": "路灯不亮", "answer": "已修"})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "已公开" in page and "撤回公开" in page and "保存修改" in page
    assert "修改或撤回公开" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert client.post(f"/tickets/{ticket.pk}/case/withdraw/", {"reason": "市民要求"}).status_code == 302
    assert PublishedCase.objects.get().state == PublishedCase.State.WITHDRAWN
    again = client.post(f"/tickets/{ticket.pk}/case/withdraw/", {})
    assert again.status_code == 409 and "未公开" in again.content.decode()


def test_open_and_report_tickets_have_no_review(web, make_ticket, close_ticket, supervisor):
    open_ticket = make_ticket()
    report = close_ticket(ticket_type="report")
    client = web(supervisor)
    assert "审核公开" not in client.get(f"/tickets/{open_ticket.pk}/").content.decode()
    page = client.get(f"/tickets/{report.pk}/case/").content.decode()
    assert "举报类工单不予公开" in page and 'id="case-form"' not in page
    r = client.post(f"/tickets/{report.pk}/case/", {"title": "举报", "summary": "举报某店"})
    assert r.status_code == 400 and not PublishedCase.objects.exists()
