"""Upkeep and review: who may write which point, each path of the review, the version history."""
import datetime as dt

import pytest

from hotline.errors import Conflict, InvalidInput, NotAllowed, NotFound
from knowledge.models import KnowledgePoint
from knowledge.selectors import point_search, points_visible_to, review_queue
from knowledge.services.points import (
    PointFields,
    point_create,
    point_publish,
    point_send_back,
    point_submit,
    point_update,
    point_withdraw,
)

State = KnowledgePoint.State


def fields(title="燃气开户办理", answer="携带房产证和身份证到燃气公司营业厅办理开户。", **extra):
    return PointFields(title=title, answer=answer, **extra)


def actions(point):
    return [v.action for v in point.versions.order_by("version")]


def test_unit_drafts_centre_publishes_and_search_serves_it(staff_a, supervisor, unit_a):
    point = point_create(actor=staff_a, fields=fields(questions="燃气怎么开户；天然气开通"))
    assert (point.state, point.unit, point.version) == (State.DRAFT, unit_a, 1)
    assert point.questions == "燃气怎么开户\n天然气开通"
    assert point_search(text="燃气开户") == []  # a draft is never served
    point_submit(point=point, actor=staff_a)
    assert list(review_queue()) == [point]
    point = point_publish(point=point, actor=supervisor)
    assert (point.state, point.published_by, point.version) == (State.PUBLISHED, supervisor, 3)
    assert actions(point) == ["created", "submitted", "published"]
    assert [hit.point for hit in point_search(text="燃气开户")] == [point]


def test_centre_sends_back_with_a_note_and_the_unit_resubmits(staff_a, supervisor):
    point = point_create(actor=staff_a, fields=fields(), submit=True)
    with pytest.raises(InvalidInput) as error:
        point_send_back(point=point, actor=supervisor, note="")
    assert error.value.field == "note"
    point = point_send_back(point=point, actor=supervisor, note="请补充收费标准")
    assert (point.state, point.review_note) == (State.DRAFT, "请补充收费标准")
    point = point_update(point=point, actor=staff_a, fields=fields(answer="开户免费，携带房产证办理。"))
    point = point_submit(point=point, actor=staff_a)
    assert point.state == State.PENDING and point.review_note == ""
    assert actions(point) == ["created", "submitted", "sent_back", "updated", "submitted"]


def test_a_units_change_to_a_published_point_waits_while_the_old_text_serves(staff_a, supervisor):
    point = point_publish(point=point_create(actor=staff_a, fields=fields(), submit=True), actor=supervisor)
    point = point_update(point=point, actor=staff_a, fields=fields(answer="现已改为网上开户，无需到营业厅。"))
    assert point.state == State.PUBLISHED and point.revision["answer"].startswith("现已改为网上开户")
    point.refresh_from_db()
    assert point.answer.startswith("携带房产证")  # still the published text
    assert point_search(text="燃气 开户")[0].point.answer.startswith("携带房产证")
    assert point_search(text="网上开户 营业厅")[0].point.answer.startswith("携带房产证")
    assert point in review_queue()
    point = point_publish(point=point, actor=supervisor)
    assert point.answer.startswith("现已改为网上开户") and point.revision is None
    assert point_search(text="燃气开户")[0].point.answer.startswith("现已改为网上开户")


def test_sending_back_a_change_keeps_the_published_text(staff_a, supervisor):
    point = point_publish(point=point_create(actor=staff_a, fields=fields(), submit=True), actor=supervisor)
    point = point_update(point=point, actor=staff_a, fields=fields(answer="改后的口径"))
    point = point_send_back(point=point, actor=supervisor, note="口径不准确")
    point.refresh_from_db()
    assert (point.state, point.revision, point.review_note) == (State.PUBLISHED, None, "口径不准确")
    assert point.answer.startswith("携带房产证")
    sent_back = point.versions.get(action="sent_back")
    assert sent_back.snapshot["answer"] == "改后的口径" and sent_back.changed_by == supervisor


def test_withdrawn_point_leaves_search_and_may_be_reworked(staff_a, supervisor):
    point = point_publish(point=point_create(actor=staff_a, fields=fields(), submit=True), actor=supervisor)
    point_withdraw(point=point, actor=supervisor, note="政策调整")
    assert point_search(text="燃气开户") == []
    with pytest.raises(Conflict):
        point_withdraw(point=point, actor=supervisor)
    point = point_update(point=point, actor=staff_a, fields=fields(answer="新的口径"))
    assert point.state == State.DRAFT


def test_only_the_centre_publishes_sends_back_and_withdraws(staff_a, operator, supervisor):
    point = point_create(actor=staff_a, fields=fields(), submit=True)
    for actor in (staff_a, operator):
        with pytest.raises(NotAllowed):
            point_publish(point=point, actor=actor)
        with pytest.raises(NotAllowed):
            point_send_back(point=point, actor=actor, note="x")
    point_publish(point=point, actor=supervisor)
    with pytest.raises(NotAllowed):
        point_withdraw(point=point, actor=staff_a)
    with pytest.raises(Conflict):
        point_publish(point=point, actor=supervisor)  # nothing waits


def test_unit_a_can_neither_see_nor_edit_unit_bs_drafts(staff_a, staff_b, unit_b, supervisor):
    theirs = point_create(actor=staff_b, fields=fields(title="公交线路调整"))
    assert theirs not in points_visible_to(staff_a)
    assert theirs in points_visible_to(staff_b) and theirs in points_visible_to(supervisor)
    with pytest.raises(NotFound):
        point_update(point=theirs, actor=staff_a, fields=fields(title="改掉"))
    with pytest.raises(NotFound):
        point_submit(point=theirs, actor=staff_a)
    with pytest.raises(NotAllowed):
        point_create(actor=staff_a, fields=fields(unit=unit_b))
    theirs.refresh_from_db()
    assert theirs.title == "公交线路调整" and theirs.version == 1
    published = point_publish(point=point_submit(point=theirs, actor=staff_b), actor=supervisor)
    assert published in points_visible_to(staff_a)  # the one voice: every unit reads published points


def test_outsiders_roles_write_nothing(operator, leader, display_device, staff_a):
    for actor in (operator, leader, display_device):
        with pytest.raises(NotAllowed):
            point_create(actor=actor, fields=fields())
    draft = point_create(actor=staff_a, fields=fields())
    assert draft not in points_visible_to(operator)
    assert not points_visible_to(display_device).exists()


def test_bad_input_names_the_field_and_writes_nothing(staff_a):
    cases = [(fields(title=""), "title"), (fields(answer=" "), "answer"),
             (fields(source_url="ftp://x"), "source_url"), (fields(audience="everyone"), "audience")]
    cases.append((fields(valid_from=dt.date(2027, 1, 2), valid_to=dt.date(2027, 1, 1)), "valid_to"))
    for bad, field in cases:
        with pytest.raises(InvalidInput) as error:
            point_create(actor=staff_a, fields=bad)
        assert error.value.field == field
    assert not KnowledgePoint.objects.exists()


def test_every_change_is_a_version_with_who_and_what(staff_a, supervisor):
    point = point_create(actor=staff_a, fields=fields())
    point_update(point=point, actor=staff_a, fields=fields(title="燃气开户（居民）"), note="改标题")
    versions = list(point.versions.order_by("version"))
    assert [(v.version, v.changed_by, v.snapshot["title"]) for v in versions] == [
        (1, staff_a, "燃气开户办理"), (2, staff_a, "燃气开户（居民）")]
    assert versions[1].note == "改标题" and versions[1].snapshot["unit_name"] == staff_a.unit.name
