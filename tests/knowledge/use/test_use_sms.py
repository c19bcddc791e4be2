"""ZX <问题> by SMS on the embedded default: the best public point's short answer and its portal
link in at most two parts with the signature, a helpful reply otherwise, limited per number."""
import pytest
from django.conf import settings
from django.core.cache import cache

from hotline.models import Ticket
from knowledge.models import KnowledgeUse
from knowledge.sms import portal_link
from sms_gateway import codec
from sms_gateway.intake import parse, receive_and_handle
from sms_gateway.models import Direction, Message

from .points import FUND_ANSWER, INTERNAL_ANSWER

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the search on PostgreSQL too
CITIZEN = "13812345678"
OTHER = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_counts():
    """The per-number counts live in the cache: Redis in the integration run, shared between tests."""
    keys = [f"ratelimit:knowledge_sms:{phone}" for phone in (CITIZEN, OTHER)]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def text_in(django_capture_on_commit_callbacks):
    def send(body: str, phone: str = CITIZEN) -> Message:
        with django_capture_on_commit_callbacks(execute=True):
            message = receive_and_handle(from_number=phone, to_number="12345", body=body, transport="test")
        message.refresh_from_db()
        return message

    return send


def replies(phone: str = CITIZEN) -> list[str]:
    return list(Message.objects.filter(direction=Direction.OUTBOUND_REPLY, to_number=phone)
                .order_by("id").values_list("body", flat=True))


def parts(body: str) -> int:
    return codec.segment_count(codec.with_signature(body, settings.SMS_SIGNATURE))


@pytest.mark.parametrize("body, question", [
    ("ZX 公积金提取", "公积金提取"),
    ("zx公积金提取", "公积金提取"),
    ("ＺＸ　公积金提取", "公积金提取"),  # full-width letters and space
    ("Zx：公积金提取", "公积金提取"),
    ("咨询 公积金提取", "公积金提取"),
    ("ZX", ""),
])
def test_the_keyword_is_read_in_its_spellings(body, question):
    command = parse(body)
    assert (command.kind, command.keyword, command.arg) == ("keyword", "knowledge", question)


@pytest.mark.parametrize("body", ["咨询一下公积金怎么提取", "咨询：我家门口路灯坏了", "ZXC 公积金", "CX"])
def test_other_texts_keep_their_meaning(body):
    """咨询 without a space is a consultation ticket as before; a longer word is not ZX."""
    assert parse(body).kind != "keyword"


def test_zx_answers_with_the_best_public_point_and_its_link_in_two_parts(kb, text_in):
    message = text_in("ZX 公积金提取")
    [reply] = replies()
    assert reply.startswith(FUND_ANSWER[:20]) and "…" in reply  # the long answer is cut to fit
    assert reply.endswith(portal_link(kb.fund)) and f"/portal/faq/{kb.fund.pk}/" in reply
    assert parts(reply) <= 2
    assert message.ticket is None and not Ticket.objects.exists(), "a question is not a ticket"
    use = KnowledgeUse.objects.get(kind=KnowledgeUse.Kind.SMS)
    assert use.point == kb.fund and use.query == "公积金提取" and CITIZEN not in use.query


def test_the_short_answer_is_sent_whole_when_it_fits(kb, text_in):
    text_in("zx 新生儿医保怎么办")
    [reply] = replies()
    assert reply.startswith(kb.baby.sms_answer) and "…" not in reply and parts(reply) <= 2


def test_internal_points_never_go_by_sms(kb, text_in):
    text_in("ZX 公积金贷款逾期 冻结")
    [reply] = replies()
    assert INTERNAL_ANSWER[:10] not in reply and "内部" not in reply
    assert not KnowledgeUse.objects.filter(point=kb.internal).exists()


def test_no_match_points_to_12345(kb, text_in):
    message = text_in("ZX 火星移民签证")
    [reply] = replies()
    assert "12345" in reply and "火星移民签证" in reply and parts(reply) <= 2
    assert "无匹配" in message.intake_note and not Ticket.objects.exists()


def test_a_long_unmatched_question_still_fits(kb, text_in):
    text_in("ZX " + "外星人飞船降落火星基地" * 12)
    [reply] = replies()
    assert parts(reply) <= 2 and "12345" in reply


def test_an_empty_question_is_told_how_to_ask(kb, text_in):
    text_in("ZX")
    text_in("咨询 ")
    assert [("例如：ZX 公积金提取" in r) for r in replies()] == [True, True]
    assert not KnowledgeUse.objects.exists() and not Ticket.objects.exists()


def test_rate_limit_per_number_one_polite_reply_then_silence(kb, text_in, settings):
    settings.KNOWLEDGE_SMS_RATE_LIMIT = (3, 3600)
    for _ in range(3):
        text_in("ZX 公积金提取")
    fourth = text_in("ZX 公积金提取")
    fifth = text_in("ZX 公积金提取")
    sent = replies()
    assert len(sent) == 4 and "过于频繁" in sent[-1]
    assert "频次" in fourth.intake_note and "不回复" in fifth.intake_note
    assert KnowledgeUse.objects.filter(kind=KnowledgeUse.Kind.SMS).count() == 3
    text_in("ZX 公积金提取", phone=OTHER)  # another number has its own count
    assert len(replies(OTHER)) == 1 and "过于频繁" not in replies(OTHER)[0]


def test_a_plain_consultation_still_becomes_a_ticket(kb, text_in):
    message = text_in("咨询一下公积金怎么提取")
    assert message.ticket is not None and message.ticket.ticket_type == "consultation"
    assert not KnowledgeUse.objects.exists()
