"""The SMPP session's bookkeeping without a socket: claims, answers, receipts, doubt, MO parts."""
from datetime import timedelta

import pytest
from django.utils import timezone

from hotline.models import Ticket
from sms_gateway import codec
from sms_gateway.models import InboundPart, Message, MessagePart, PartState
from sms_gateway.services import sms_send
from sms_gateway.smpp import store
from sms_gateway.smpp.session import SmppUrl
from sms_gateway.smpp.throttle import Throttle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _smpp(settings):
    settings.SMS_TRANSPORT = "smpp"


def queue(n=1, body="通知"):
    return [sms_send(to=f"139{i:08d}", body=f"{body}{i}", kind="api") for i in range(n)]


def receipt(part, stat="DELIVRD", umr=None, message_id=None):
    return codec.Receipt(message_id=message_id or part.smsc_message_id, stat=stat, err="000", umr=umr,
                         destination=part.message.to_number)


def test_claim_is_exclusive_and_write_ahead():
    queue(3)
    first = store.claim(2, "s1")
    second = store.claim(5, "s2")
    assert len(first) == 2 and len(second) == 1
    assert not {c.part_id for c in first} & {c.part_id for c in second}
    assert MessagePart.objects.filter(state=PartState.SUBMITTING).count() == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"sending"}
    assert store.claim(5, "s3") == []


def test_accept_then_receipts():
    [good, bad] = queue(2)
    claimed = store.claim(10, "s")
    store.record_responses([(c.part_id, 0, f"id{c.part_id}") for c in claimed])
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    parts = {p.message_id: p for p in MessagePart.objects.select_related("message")}
    store.apply_receipts([receipt(parts[good.pk]), receipt(parts[bad.pk], stat="UNDELIV")])
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "delivered" and good.date_sent
    assert bad.status == "undelivered" and bad.error_code == 30003
    store.apply_receipts([receipt(parts[good.pk], stat="UNDELIV")])  # late contradiction ignored
    good.refresh_from_db()
    assert good.status == "delivered"


def test_throttled_answer_requeues_and_permanent_error_fails():
    [a, b] = queue(2)
    claimed = store.claim(10, "s")
    store.record_responses([(claimed[0].part_id, store.ESME_RTHROTTLED, ""), (claimed[1].part_id, 0x0B, "")],
                           retry_delay=0)
    part_a = MessagePart.objects.get(message=a)
    assert part_a.state == PartState.QUEUED and part_a.error_code == store.ESME_RTHROTTLED
    b.refresh_from_db()
    assert b.status == "failed" and b.error_code == 30005 and "ESME_RINVDSTADR" in b.error_message
    assert [c.part_id for c in store.claim(10, "s")] == [part_a.pk]


def test_in_doubt_resolved_by_receipt_not_resent():
    [message] = queue(1)
    [claimed] = store.claim(1, "lost-session")
    assert store.session_ended("lost-session") == 1
    part = MessagePart.objects.select_related("message").get()
    assert part.state == PartState.IN_DOUBT
    assert store.claim(5, "next") == [], "an in-doubt part is not resent at once"
    store.apply_receipts([receipt(part, umr=claimed.umr, message_id="SMSC-77")])
    part.refresh_from_db()
    message.refresh_from_db()
    assert part.state == PartState.DELIVERED and part.smsc_message_id == "SMSC-77"
    assert message.status == "delivered"
    assert store.release_doubtful(0, bound_since=timezone.now()) == 0


def test_in_doubt_without_receipt_is_resent_after_the_wait():
    queue(1)
    store.claim(1, "gone")
    store.recover_in_flight()
    long_bound = timezone.now() - timedelta(hours=3)
    assert store.release_doubtful(3600, bound_since=long_bound) == 0
    MessagePart.objects.update(doubt_since=timezone.now() - timedelta(hours=2))
    assert store.release_doubtful(3600, bound_since=long_bound) == 1
    assert len(store.claim(1, "again")) == 1


def test_the_doubt_wait_counts_only_time_bound_to_the_smsc():
    """An SMSC that restarted sends the receipts it stored after the next bind: a part
    whose doubt began before the outage waits a whole doubt period on the new link."""
    queue(1)
    store.claim(1, "before-the-restart")
    store.session_ended("before-the-restart")
    MessagePart.objects.update(doubt_since=timezone.now() - timedelta(hours=2))
    just_bound = timezone.now() - timedelta(seconds=5)
    assert store.release_doubtful(3600, bound_since=just_bound) == 0
    assert MessagePart.objects.get().state == PartState.IN_DOUBT
    assert store.release_doubtful(3600, bound_since=just_bound - timedelta(hours=1)) == 1


def test_receipt_in_decimal_for_a_hex_id():
    [message] = queue(1)
    [claimed] = store.claim(1, "s")
    store.record_responses([(claimed.part_id, 0, "ff")])
    part = MessagePart.objects.select_related("message").get()
    store.apply_receipts([receipt(part, message_id="255")])
    message.refresh_from_db()
    assert message.status == "delivered"


@pytest.mark.parametrize("doubtful_id, other_id", [("72", "48"), ("93", "147")])
def test_in_doubt_receipt_is_not_taken_by_another_spelling_of_its_id(doubtful_id, other_id):
    """An SMSC numbering 1, 2, 3 … in decimal: 72 in hex is "48" and "93" read as hex is 147, both
    other messages' ids. The receipt for 72 (or 93), whose submit's answer was lost, belongs to
    the in-doubt part with its reference, not to the delivered part the SMSC called 48 (or 147).
    Taken by that part, it left the right one in doubt, to be sent twice (a CI fault run)."""
    [earlier, lost] = queue(2)
    claimed = {c.message_id: c for c in store.claim(2, "s1")}
    store.record_responses([(claimed[earlier.pk].part_id, 0, other_id)])
    store.apply_receipts([receipt(MessagePart.objects.select_related("message").get(message=earlier))])
    store.session_ended("s1")
    doubtful = MessagePart.objects.select_related("message").get(message=lost)
    assert doubtful.state == PartState.IN_DOUBT
    store.apply_receipts([receipt(doubtful, umr=claimed[lost.pk].umr, message_id=doubtful_id)])
    doubtful.refresh_from_db()
    lost.refresh_from_db()
    assert (doubtful.state, doubtful.smsc_message_id, lost.status) == (PartState.DELIVERED, doubtful_id, "delivered")
    assert MessagePart.objects.get(message=earlier).smsc_message_id == other_id


def test_long_message_is_delivered_when_every_part_is():
    [message] = queue(1, body="长" * 150)
    claimed = store.claim(10, "s")
    assert len(claimed) == 3 and len({c.payload[3] for c in claimed}) == 1
    store.record_responses([(c.part_id, 0, f"m{c.part_id}") for c in claimed])
    parts = list(MessagePart.objects.select_related("message").order_by("seq"))
    store.apply_receipts([receipt(parts[0]), receipt(parts[1])])
    message.refresh_from_db()
    assert message.status == "sent"
    store.apply_receipts([receipt(parts[2])])
    message.refresh_from_db()
    assert message.status == "delivered"


def ucs2_parts(text, n, ref=9):
    data = text.encode("utf-16-be")
    size = -(-len(data) // n // 2) * 2
    return [bytes([5, 0, 3, ref, n, i + 1]) + data[i * size:(i + 1) * size] for i in range(n)]


def test_mo_parts_out_of_order_and_repeated(django_capture_on_commit_callbacks):
    text = "小区门口的路灯坏了很久了，晚上出行很不方便，希望有关部门尽快修理。" * 3
    parts = ucs2_parts(text, 3)
    results = []
    for sm in [parts[2], parts[0], parts[0], parts[1]]:
        results.append(store.accept_mo(store.Inbound("8613812345678", "12345", 0x40, 8, sm)))
    assert results[:3] == [None, None, None]
    message = results[3]
    assert message.body == text and message.num_segments == 3 and message.from_number == "13812345678"
    assert store.accept_mo(store.Inbound("8613812345678", "12345", 0x40, 8, parts[1])) is None
    assert Message.objects.filter(direction="inbound").count() == 1


def test_single_mo_repeated_is_one_message():
    sm = "路灯坏了".encode("utf-16-be")
    assert store.accept_mo(store.Inbound("13812345678", "12345", 0, 8, sm)) is not None
    assert store.accept_mo(store.Inbound("13812345678", "12345", 0, 8, sm)) is None


def test_sar_tlv_parts():
    data = "用SAR参数分段的上行短信".encode("utf-16-be")
    first = store.accept_mo(store.Inbound("13812345678", "12345", 0, 8, data[:10], sar=(300, 2, 1)))
    second = store.accept_mo(store.Inbound("13812345678", "12345", 0, 8, data[10:], sar=(300, 2, 2)))
    assert first is None and second.body == "用SAR参数分段的上行短信"


def test_missing_part_is_kept_with_the_gap_marked(settings):
    from sms_gateway.intake import handle_inbound

    parts = ucs2_parts("第一段内容第二段内容第三段内容", 3)
    store.accept_mo(store.Inbound("13812345678", "12345", 0x40, 8, parts[0]))
    store.accept_mo(store.Inbound("13812345678", "12345", 0x40, 8, parts[2]))
    assert store.flush_stale_mo() == []
    InboundPart.objects.update(received_at=timezone.now() - timedelta(hours=1))
    [message] = store.flush_stale_mo()
    assert "【第2段缺失】" in message.body and message.meta["incomplete"]
    handle_inbound(message)
    assert "【第2段缺失】" in Ticket.objects.get().content


def test_invalid_utf16_is_kept_and_flagged():
    message = store.accept_mo(store.Inbound("13812345678", "12345", 0, 8, b"\xdc\x00\x4f\x60\x00"))
    assert message.meta["decode_error"] and message.meta["raw"] == "dc004f6000"
    assert message.body.startswith("\ufffd你")


def test_smpp_url():
    url = SmppUrl.parse("smpp://my%40id:p%3Ass@smsc.example:2776?system_type=VMA")
    assert (url.host, url.port, url.system_id, url.password, url.system_type) == (
        "smsc.example", 2776, "my@id", "p:ss", "VMA")
    with pytest.raises(ValueError):
        SmppUrl.parse("http://x")


def test_throttle_backs_off_and_recovers():
    throttle = Throttle(100, now=0.0)
    assert throttle.available(0.0) == 10
    throttle.consume(0.0, 10)
    assert throttle.available(0.0) == 0 and throttle.wait(0.0) == pytest.approx(0.01)
    throttle.throttled(1.0)
    assert throttle.rate == 50 and throttle.available(1.05) == 0 and throttle.wait(1.0) == pytest.approx(0.1)
    throttle.throttled(1.2)
    assert throttle.rate == 25 and throttle.pause == pytest.approx(0.2)
    for _ in range(100):
        throttle.accepted()
    assert throttle.rate == 100 and throttle.pause == 0
