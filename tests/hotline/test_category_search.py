"""Categories are found by the words citizens use (issue #24): 路灯 finds 城市公共设施 through its
synonyms, 占道经营 finds 城管执法; the centre edits the words in the admin."""
import pytest

from hotline.models import Category
from hotline.selectors import categories_matching
from hotline.taxonomy import load_synonyms

pytestmark = pytest.mark.django_db


def names(query: str) -> list[str]:
    return [m.category.full_name for m in categories_matching(query)]


@pytest.mark.parametrize("query, expected", [
    ("路灯", "城乡建设/城市建设和市政管理/城市公共设施"),
    ("噪音", "环境保护/环境污染/噪音污染"),
    ("公积金", "城乡建设/住房保障与房地产/住房公积金"),
    ("占道经营", "城乡建设/城市建设和市政管理/城管执法"),
    ("广场舞", "环境保护/环境污染/噪音污染"),
    ("拖欠工资", "劳动和社会保障/工资福利/工资发放"),
    ("违停", "政法/交通管理/交通安全管理"),
    ("ETC", "交通运输/建设管理/公路收费"),
    ("etc", "交通运输/建设管理/公路收费"),
])
def test_everyday_words_find_their_category(query, expected):
    assert expected in names(query)


def test_a_synonym_match_says_which_word_matched():
    [match] = categories_matching("路灯")
    assert match.category.full_name.endswith("城市公共设施") and match.because == "路灯"
    named = categories_matching("噪音")[0]
    assert named.category.full_name.endswith("噪音污染") and named.because == ""  # its own name matched


def test_names_come_before_synonyms_and_synonyms_before_examples():
    found = categories_matching("垃圾")
    assert found[0].category.full_name.endswith("环境卫生")  # synonym 垃圾 (no category is named 垃圾)
    example_only = [m for m in found if m.category.full_name.endswith("大气污染")]
    assert example_only and example_only[0].because == "露天焚烧垃圾"
    assert found.index(example_only[0]) > 0
    assert names("噪音")[0] == "环境保护/环境污染/噪音污染"


def test_every_word_of_the_query_must_match_somewhere():
    assert names("路灯 不亮") == ["城乡建设/城市建设和市政管理/城市公共设施"]  # a synonym and an example
    assert names("路灯，井盖") == ["城乡建设/城市建设和市政管理/城市公共设施"]
    assert names("路灯 公积金") == []


def test_nothing_matches_nonsense_and_blank_finds_nothing():
    assert names("鲲鹏扶摇") == []
    assert names("   ") == [] and names("，、") == []


def test_inactive_categories_are_not_offered():
    Category.objects.filter(full_name="城乡建设/城市建设和市政管理/城市公共设施").update(is_active=False)
    assert names("路灯") == []


def test_words_edited_in_the_admin_are_found_at_once(client):
    from hotline.models import Role
    from tests.conftest import make_user

    admin_client = client
    admin_client.force_login(make_user("sysadmin", Role.SYSADMIN))  # categories are configuration
    category = Category.objects.get(full_name="城乡建设/城市建设和市政管理/公园管理")
    assert "公园管理" not in " ".join(names("滑板"))
    response = admin_client.post(f"/admin/hotline/category/{category.pk}/change/", {
        "name": category.name, "parent": category.parent_id, "level": category.level,
        "full_name": category.full_name, "default_unit": "", "is_active": "on",
        "synonyms": "公园 滑板场、健身步道", "examples": "公园滑板场夜间扰民",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert names("滑板") == [category.full_name]
    assert names("健身步道") == [category.full_name]


def test_loading_the_shipped_words_keeps_what_the_centre_wrote():
    category = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")
    category.synonyms = "灯杆"
    category.save()
    load_synonyms(Category)
    category.refresh_from_db()
    assert category.synonyms == "灯杆" and "路灯" not in category.search_text.split("\n")[1]
    assert names("灯杆") == [category.full_name]


def test_the_search_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        categories_matching("路灯")
