"""The photos' timeline line has its Chinese labels (tests/web/test_event_labels.py scans a fixed
list of apps; photos is not in it yet, so the one kind it writes is checked here)."""
from hotline.event_kinds import EVENT_LABELS
from web.timeline import NOT_PUBLIC, PUBLIC_LABELS


def test_photos_added_is_labelled_for_staff_and_for_the_citizen():
    assert EVENT_LABELS["photos_added"] == "上传照片"
    assert "photos_added" not in NOT_PUBLIC and PUBLIC_LABELS["photos_added"] == "已收到现场照片"
