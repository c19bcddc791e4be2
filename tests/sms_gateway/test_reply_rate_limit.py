"""A number texting 查询 again and again (or an auto-responder in a loop) is answered at most
SMS_REPLY_PER_HOUR times an hour (issue 20 item 5); the texts are still recorded."""
import pytest

pytestmark = pytest.mark.django_db


def test_sms_progress_queries_are_answered_at_most_the_limit_per_number(settings, text_in, phone_inbox):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_reply": ("", 2, 3600, ())}
    for body in ("CX", "查询", "cx", "Cx"):  # distinct texts: a repeated one would be a duplicate
        message = text_in("13812345678", body)
    assert len(phone_inbox("13812345678")) == 2
    assert "过于频繁" in message.intake_note and message.intake_state == "done"
    text_in("13812345679", "CX")  # another number is answered
    assert len(phone_inbox("13812345679")) == 1
