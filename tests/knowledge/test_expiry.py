"""30 days before a point lapses its unit and the centre are told, once; a lapsed point is gone at once."""
import datetime as dt

from django.utils import timezone

from hotline.clock import frozen_at
from knowledge.selectors import point_search
from knowledge.services.expiry import notify_expiring, points_expiring_for
from knowledge.services.points import PointFields, point_create, point_publish
from knowledge.tasks import notify_expiring as notify_expiring_task
from sms_gateway.models import Message


def publish(actor, supervisor, title, valid_to):
    point = point_create(actor=actor, fields=PointFields(title=title, answer="按规定办理。", valid_to=valid_to),
                         submit=True)
    return point_publish(point=point, actor=supervisor)


def test_unit_and_centre_are_told_once(staff_a, staff_b, supervisor, unit_a):
    staff_a.phone = "13800000001"
    staff_a.save()
    supervisor.phone = "13800000009"
    supervisor.save()
    today = timezone.localdate()
    soon = publish(staff_a, supervisor, "老旧小区加装电梯补贴", today + dt.timedelta(days=30))
    publish(staff_a, supervisor, "供暖收费标准", today + dt.timedelta(days=31))  # not yet
    publish(staff_b, supervisor, "出租车投诉渠道", None)  # never lapses

    assert notify_expiring() == 1
    sent = {m.to_number: m.body for m in Message.objects.filter(kind="knowledge_expiry")}
    assert set(sent) == {"13800000001", unit_a.head_phone, "13800000009"}
    assert "老旧小区加装电梯补贴" in sent["13800000001"] and "贵单位" in sent["13800000001"]
    soon.refresh_from_db()
    assert soon.expiry_notified_at is not None
    assert [p.title for p in points_expiring_for(staff_a)] == ["老旧小区加装电梯补贴"]
    assert points_expiring_for(staff_b) == []

    assert notify_expiring() == 0
    assert notify_expiring_task.apply().get() == 0  # the beat task: nothing more
    assert Message.objects.filter(kind="knowledge_expiry").count() == 3


def test_a_lapsed_point_leaves_search_the_next_day_without_a_job(staff_a, supervisor):
    today = timezone.localdate()
    publish(staff_a, supervisor, "老旧小区加装电梯补贴", today)
    assert point_search(text="加装电梯")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with frozen_at(tomorrow):
        assert point_search(text="加装电梯") == []
