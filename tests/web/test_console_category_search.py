"""The console's category search by everyday words (issue #24): the partial the search box asks
for on every keystroke."""
import pytest

from hotline.models import Category

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query, expected", [
    ("路灯", "城乡建设/城市建设和市政管理/城市公共设施"),
    ("噪音", "环境保护/环境污染/噪音污染"),
    ("公积金", "城乡建设/住房保障与房地产/住房公积金"),
    ("占道经营", "城乡建设/城市建设和市政管理/城管执法"),
])
def test_everyday_words_find_the_category(web, operator, query, expected):
    html = web(operator).get("/console/categories/", {"q": query}).content.decode()
    assert f'data-name="{expected}"' in html and "没有找到匹配的分类" not in html


def test_a_synonym_hit_shows_the_word_and_carries_the_default_unit(web, operator, unit_b):
    Category.objects.filter(full_name="城乡建设/城市建设和市政管理/城市公共设施").update(default_unit=unit_b)
    html = web(operator).get("/console/categories/", {"q": "路灯"}).content.decode()
    assert '<span class="meta cat-because">· 路灯</span>' in html and f'data-unit="{unit_b.pk}"' in html


def test_the_search_is_a_fixed_few_queries_whatever_it_finds(web, operator, django_assert_max_num_queries):
    client = web(operator)
    client.get("/console/categories/", {"q": "路灯"})  # the session and user are read once per request
    with django_assert_max_num_queries(4):
        client.get("/console/categories/", {"q": "垃圾"})
    with django_assert_max_num_queries(4):
        client.get("/console/categories/", {"q": "管理"})


def test_a_long_or_odd_query_is_harmless(web, operator):
    client = web(operator)
    assert client.get("/console/categories/", {"q": "路" * 500}).status_code == 200
    assert "没有找到匹配的分类" in client.get("/console/categories/", {"q": "%_\\"}).content.decode()


def test_only_hotline_staff_search(web, staff_a):
    response = web(staff_a).get("/console/categories/", {"q": "路灯"})
    assert response.status_code in (302, 403) and "城市公共设施" not in response.content.decode()
