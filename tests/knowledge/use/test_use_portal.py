"""常见问题 on the citizen portal: public points only, a page per point with its answer and
source, a portal use counted, rate limited like the rest of the portal."""
import pytest
from django.core.cache import cache

from knowledge.models import KnowledgeUse
from knowledge.services.points import point_withdraw

from .points import INTERNAL_ANSWER

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the search on PostgreSQL too


@pytest.fixture(autouse=True)
def _fresh_counts():
    """The per-client counts live in the cache: Redis in the integration run, shared between tests."""
    cache.delete("ratelimit:portal_faq:127.0.0.1")
    yield
    cache.delete("ratelimit:portal_faq:127.0.0.1")


def test_the_search_lists_public_points_with_highlights(kb, client):
    html = client.get("/portal/faq/", {"q": "公积金怎么提取"}).content.decode()
    assert f'id="faq-{kb.fund.pk}"' in html and "<mark>" in html and "找到" in html
    assert f"/portal/faq/{kb.fund.pk}/" in html


def test_internal_points_are_never_listed_nor_shown(kb, client):
    html = client.get("/portal/faq/", {"q": "公积金贷款逾期 冻结"}).content.decode()
    assert f'id="faq-{kb.internal.pk}"' not in html and INTERNAL_ANSWER[:12] not in html and "内部" not in html
    r = client.get(f"/portal/faq/{kb.internal.pk}/")
    assert r.status_code == 404 and INTERNAL_ANSWER[:12] not in r.content.decode()
    assert not KnowledgeUse.objects.exists()


def test_the_point_page_shows_answer_and_source_and_counts_a_view(kb, client, supervisor):
    r = client.get(f"/portal/faq/{kb.fund.pk}/", {"q": "公积金提取"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "住房公积金提取条件和办理流程" in html and "县政务服务中心住房公积金窗口" in html
    assert "某县住房公积金提取管理办法" in html and "县住建〔2024〕12号" in html
    assert "https://zjj.example.gov.cn/gjj/2024-12.html" in html and "县住房和城乡建设局" in html
    # Nobody's name: not who wrote or published it.
    assert supervisor.display_name not in html and supervisor.username not in html
    use = KnowledgeUse.objects.get()
    assert (use.kind, use.point, use.user, use.query) == ("portal", kb.fund, None, "公积金提取")


def test_unknown_and_withdrawn_points_are_not_found(kb, client, supervisor):
    assert client.get("/portal/faq/999999/").status_code == 404
    point_withdraw(point=kb.fund, actor=supervisor, note="政策调整")
    assert client.get(f"/portal/faq/{kb.fund.pk}/").status_code == 404
    assert f'id="faq-{kb.fund.pk}"' not in client.get("/portal/faq/", {"q": "公积金提取"}).content.decode()


def test_bad_and_empty_searches(kb, client):
    assert 'id="faq-count"' not in client.get("/portal/faq/").content.decode()
    assert "请至少输入两个字" in client.get("/portal/faq/", {"q": "税"}).content.decode()
    html = client.get("/portal/faq/", {"q": "火星移民签证"}).content.decode()
    assert 'id="faq-none"' in html and "12345" in html
    assert client.get("/portal/faq/", {"q": "公积金" * 100}).status_code == 200  # cut, not refused


def test_the_portal_links_the_faq(client):
    html = client.get("/portal/").content.decode()
    assert 'href="/portal/faq/"' in html and 'action="/portal/faq/"' in html


def test_rate_limited_per_client(kb, client, settings):
    settings.PORTAL_RATE_LIMITS = settings.PORTAL_RATE_LIMITS | {"portal_faq": (2, 600)}
    assert client.get("/portal/faq/", {"q": "公积金提取"}).status_code == 200
    assert client.get(f"/portal/faq/{kb.fund.pk}/").status_code == 200
    r = client.get("/portal/faq/", {"q": "公积金提取"})
    assert r.status_code == 429 and "过于频繁" in r.content.decode()
    assert client.get(f"/portal/faq/{kb.fund.pk}/").status_code == 429
    assert KnowledgeUse.objects.count() == 1
