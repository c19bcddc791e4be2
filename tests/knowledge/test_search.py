"""Search as the console, the portal and the SMS keyword see it."""
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from knowledge import selectors
from knowledge.models import KnowledgePoint
from knowledge.selectors import point_search
from knowledge.services.points import point_withdraw
from knowledge.services.synonyms import synonym_save

# Run on PostgreSQL too in the integration run: there the candidates come from the tsvector index.
pytestmark = pytest.mark.postgres_too


def titles(hits):
    return [hit.point.title for hit in hits]


def test_best_point_first_with_highlights(publish_point):
    publish_point("住房公积金提取条件", "职工购房、退休等情形可申请提取住房公积金。",
                  "公积金怎么取出来\n公积金提取要什么材料")
    publish_point("居民身份证补领", "身份证丢失可到户籍所在地派出所补领。", "身份证丢了怎么办")
    hits = point_search(text="公积金怎么提取")
    assert titles(hits)[0] == "住房公积金提取条件"
    assert "<mark>" in hits[0].title_html and "<mark>提取</mark>" in hits[0].title_html
    assert hits[0].score > 0


def test_synonym_finds_a_point_that_says_it_otherwise(publish_point, supervisor):
    publish_point("医疗保险异地就医备案", "参保人员异地就医前应办理备案。")
    synonym_save(actor=supervisor, words="医保 医疗保险")
    assert titles(point_search(text="医保怎么备案"))[0] == "医疗保险异地就医备案"


def test_near_miss_still_finds_the_point(publish_point):
    publish_point("住房公积金提取条件", "职工购房可申请提取住房公积金。", "公积金怎么取")
    publish_point("居民身份证补领", "身份证丢失可到派出所补领。")
    assert titles(point_search(text="公基金提取"))[0] == "住房公积金提取条件"


def test_typing_a_word_begun_matches_by_prefix(publish_point):
    publish_point("住房公积金提取条件", "职工购房可申请提取住房公积金。")
    publish_point("住房公积金贷款额度", "贷款额度按缴存余额计算。")
    assert titles(point_search(text="公积金提"))[0] == "住房公积金提取条件"


def test_expired_withdrawn_and_internal_points_are_not_served(publish_point, supervisor):
    today = timezone.localdate()
    publish_point("停车收费标准", "按物价部门核定标准收费。", audience=KnowledgePoint.Audience.PUBLIC)
    publish_point("停车收费内部口径", "内部掌握。")
    publish_point("停车收费旧标准", "旧标准。", valid_to=today - dt.timedelta(days=1))
    publish_point("停车收费新标准", "新标准。", valid_from=today + dt.timedelta(days=3))
    gone = publish_point("停车收费临时标准", "临时。")
    point_withdraw(point=gone, actor=supervisor)
    assert set(titles(point_search(text="停车收费", limit=10))) == {"停车收费标准", "停车收费内部口径"}
    assert titles(point_search(text="停车收费", audience="public", limit=10)) == ["停车收费标准"]


def test_highlight_escapes_the_text(publish_point):
    publish_point("<b>噪音</b>投诉", "夜间施工噪音可投诉。")
    hit = point_search(text="噪音")[0]
    assert "&lt;b&gt;<mark>噪音</mark>&lt;/b&gt;" in hit.title_html


def test_nothing_for_nothing(publish_point):
    publish_point("住房公积金提取条件", "职工购房可申请提取住房公积金。")
    assert point_search(text="") == []
    assert point_search(text="怎么办？") == []


QUERIES = ["公积金怎么取", "公基金提取", "身份证丢了", "燃气开户", "停车", "狗证", "医保异地", "公积金提", "路灯不亮"]


def test_both_candidate_paths_give_the_same_top_results(publish_point, supervisor, monkeypatch):
    """PostgreSQL finds candidates through its index, the embedded default by substring: the
    ranking is one rule, so the top results agree (on SQLite this checks the fallback alone)."""
    synonym_save(actor=supervisor, words="医保 医疗保险")
    publish_point("住房公积金提取条件", "职工购房、退休可申请提取住房公积金。", "公积金怎么取出来")
    publish_point("住房公积金贷款额度", "贷款额度按缴存余额计算。", "公积金能贷多少")
    publish_point("居民身份证补领", "身份证丢失可到派出所补领。", "身份证丢了怎么办")
    publish_point("燃气开户办理", "携带房产证到燃气公司营业厅办理。", "天然气怎么开通")
    publish_point("停车收费标准", "按物价部门核定标准收费。", "停车怎么收费")
    publish_point("犬只登记办理", "到公安局治安大队办理犬只登记。", "狗证怎么办")
    publish_point("医疗保险异地就医备案", "参保人员异地就医前应办理备案。")
    publish_point("路灯报修", "路灯不亮可拨打12345或城管局报修。", "路灯坏了找谁")
    native = {q: [(h.point.title, h.score) for h in point_search(text=q)] for q in QUERIES}
    monkeypatch.setattr(selectors, "candidates", selectors._fallback_candidates)
    fallback = {q: [(h.point.title, h.score) for h in point_search(text=q)] for q in QUERIES}
    assert native == fallback
    assert all(native[q] for q in QUERIES), connection.vendor


def test_a_category_narrows_to_it_and_below(publish_point):
    from hotline.models import Category

    leaf = Category.objects.filter(level=3).order_by("full_name").first()
    other = Category.objects.filter(level=3).exclude(parent=leaf.parent).order_by("full_name").first()
    publish_point("停车收费标准", "按核定标准收费。", category=leaf)
    publish_point("停车收费投诉", "可投诉。", category=other)
    assert titles(point_search(text="停车收费", category=leaf.parent)) == ["停车收费标准"]
    assert set(titles(point_search(text="停车收费"))) == {"停车收费标准", "停车收费投诉"}
