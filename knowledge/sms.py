"""The SMS keyword `ZX <问题>` (also zx, ＺＸ, a full-width space, and `咨询 <问题>` with a space):
the best public point's short answer and a portal link, in at most two SMS parts with the
signature. Registered into sms_gateway's intake by KnowledgeConfig.ready(); sms_gateway never
imports this app.

Rate limit per number (settings.KNOWLEDGE_SMS_RATE_LIMIT, default 10 an hour): the first text over
the limit gets one polite reply, the next ones none, until the window ends.
"""
from django.conf import settings

from hardening.ratelimit import window_count
from sms_gateway.intake import KeywordReply

from .services.use import use_sms
from .use_selectors import matching_points

PREFIXES = ("ZX", "咨询")
MAX_PARTS = 2
DEFAULT_RATE_LIMIT = (10, 3600)


def portal_link(point) -> str:
    return f"{settings.PUBLIC_BASE_URL}/portal/faq/{point.pk}/"


def short_answer(point) -> str:
    """sms_answer when the centre wrote one, else the answer on one line (the intake cuts it to fit)."""
    return point.sms_answer.strip() or " ".join(point.answer.split())


def _rate(phone: str) -> str:
    """'ok', 'over' (the first text over the limit: told once) or 'silent'."""
    limit, window = getattr(settings, "KNOWLEDGE_SMS_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    count, _start = window_count("knowledge_sms", phone, window_seconds=window)
    if count <= limit:
        return "ok"
    return "over" if count == limit + 1 else "silent"


def answer_keyword(*, phone: str, question: str) -> KeywordReply | None:
    rate = _rate(phone)
    if rate == "silent":
        return None
    if rate == "over":
        return KeywordReply("reply_faq_limited", note="知识库查询：超过频次，已提示")
    if len(question) < 2:
        return KeywordReply("reply_faq_help", note="知识库查询：未写问题，已提示")
    hits = matching_points(question, public_only=True, limit=1)
    if not hits:
        return KeywordReply("reply_faq_none", {"question": question}, note="知识库查询：无匹配", fit="question",
                            max_parts=MAX_PARTS)
    point = hits[0].point
    use_sms(point=point, question=question)
    return KeywordReply("reply_faq_answer", {"answer": short_answer(point), "link": portal_link(point),
                                             "question": question},
                        note=f"知识库查询：知识点{point.pk}", fit="answer", max_parts=MAX_PARTS)
