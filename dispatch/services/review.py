"""办结审核 (reply review, issue 16 item 3): which replies the centre reviews, what a reply must
say at least, and the centre's two decisions.

- Which ticket types are reviewed is a policy (`ReplyReviewPolicy`, edited in the admin; a type
  without a row is not reviewed), read through `reply_review_required` (cached, forgotten when a
  row is saved or deleted).
- A unit's reply (lead or co-unit) must say something: `validate_reply_text` refuses an empty
  text, one made only of stock phrases (已处理, 已办结 …) and one shorter than
  `HOTLINE_REPLY_MIN_LENGTH` characters not counting whitespace and punctuation.
- `ticket_reply` (handling.py) moves a reviewed type's lead reply to 待审核 (`reply_for_review`).
  `ticket_review_approve` makes it the reply (→ 已回复: survey opened, the citizen's result SMS
  with the approved text); `ticket_review_send_back` returns the ticket to the lead unit with a
  reason (→ 办理中, its part back to 已签收 so that it replies again; the deadline unchanged).
"""
import contextlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from hotline.errors import Conflict, InvalidInput
from hotline.models import Ticket, TicketState
from hotline.permissions import OFFICE, require_role
from hotline.validation import validate_text
from hotline.workflow import lock_ticket, transition

from ..deadlines import add_working_days, iso_local, limits_for_ticket
from ..models import Assignment, Reply, ReplyReviewPolicy
from ..timers import schedule_light_timers
from .callbacks import survey_open

logger = logging.getLogger(__name__)

# --- which types are reviewed -------------------------------------------------------------------
POLICY_CACHE_KEY = "dispatch:reply-review-types"
POLICY_CACHE_SECONDS = 300


def reviewed_types() -> frozenset[str]:
    """The ticket types whose lead replies wait for review: one query per 5 minutes at most (the
    shared cache), forgotten at once when an admin changes a rule. Without the cache (Redis
    down) the rows are read each time: a reply never fails for want of a cache."""
    try:
        types = cache.get(POLICY_CACHE_KEY)
    except Exception:
        logger.warning("reply review policy: cache unavailable, reading the rules", exc_info=True)
        types = None
    if types is None:
        types = sorted(ReplyReviewPolicy.objects.filter(review_required=True).values_list("ticket_type", flat=True))
        with contextlib.suppress(Exception):
            cache.set(POLICY_CACHE_KEY, types, POLICY_CACHE_SECONDS)
    return frozenset(types)


def reply_review_required(ticket_type: str) -> bool:
    return ticket_type in reviewed_types()


def _forget() -> None:
    try:
        cache.delete(POLICY_CACHE_KEY)
    except Exception:
        logger.warning("reply review policy: could not forget the cached rules", exc_info=True)


def forget_review_policy(**kwargs) -> None:
    _forget()
    # Again after commit: a request that read the old rows meanwhile may have cached them.
    transaction.on_commit(_forget, robust=True)


post_save.connect(forget_review_policy, sender=ReplyReviewPolicy, dispatch_uid="reply-review-policy-saved")
post_delete.connect(forget_review_policy, sender=ReplyReviewPolicy, dispatch_uid="reply-review-policy-deleted")

# --- what a reply must say ----------------------------------------------------------------------
# A reply made of these alone says nothing about what was done (longest first: 处理完毕 before 处理).
STOCK_PHRASES = sorted({
    "已处理", "已办理", "已解决", "处理完毕", "办理完毕", "已办结", "已回复", "已完成", "已处置", "已落实",
    "已整改", "已答复", "已反馈", "已核实", "已知悉", "已转办", "已受理", "已联系", "已修复", "已修好",
    "情况属实", "情况已处理", "问题已解决", "收到", "好的", "同意", "无", "办结",
}, key=len, reverse=True)
# Words around a stock phrase that add nothing either (您好，该问题已处理，谢谢).
FILLERS = sorted({
    "您好", "你好", "谢谢", "感谢", "此件", "该件", "本件", "该工单", "此工单", "工单", "该问题", "此问题", "问题",
    "该事项", "此事", "我单位", "本单位", "我局", "已经", "已", "经", "了", "的",
}, key=len, reverse=True)


def substance(text: str) -> str:
    """The text without whitespace, punctuation and symbols: its letters and digits (str.isalnum,
    which is also what a regular expression's [^\\W_] matches: the API schema states the rule so,
    hotline.rest.schema.reply_text_pattern)."""
    return "".join(ch for ch in text if ch.isalnum())


def _is_token(core: str) -> bool:
    for phrase in (*STOCK_PHRASES, *FILLERS):
        core = core.replace(phrase, "")
    return not core


def validate_reply_text(text: str, *, label: str = "办理结果") -> str:
    """The reply's text, stripped; InvalidInput on `text` when it is empty, only a stock phrase or
    shorter than settings.HOTLINE_REPLY_MIN_LENGTH (whitespace and punctuation not counted)."""
    text = validate_text(text, field="text", label=label, max_length=settings.HOTLINE_MAX_TEXT_LENGTH)
    core = substance(text)
    if not core:
        raise InvalidInput(f"{label}不能为空，请写明办理过程、结果和依据", field="text")
    if _is_token(core):
        raise InvalidInput(f"{label}不能只写“已处理”“已办结”之类的套话，请写明办理过程、结果和依据", field="text")
    minimum = settings.HOTLINE_REPLY_MIN_LENGTH
    if len(core) < minimum:
        raise InvalidInput(f"{label}过于简单（不计空格和标点{len(core)}个字），请至少写{minimum}个字，"
                           "写明办理过程、结果和依据", field="text")
    return text


# --- the centre's decisions ---------------------------------------------------------------------
def pending_review(ticket: Ticket) -> Reply | None:
    """The lead reply this ticket's review is about (locked), if any."""
    return (Reply.objects.select_for_update().select_related("unit")
            .filter(ticket=ticket, is_lead=True, review_state=Reply.Review.PENDING)
            .order_by("-created_at", "-id").first())


def _reviewed(ticket: Ticket, *, what: str) -> tuple[Ticket, Reply]:
    locked = lock_ticket(ticket.pk)
    if locked.state != TicketState.REVIEWING:
        raise Conflict(f"工单当前状态为「{TicketState(locked.state).label}」，不能{what}", code="state_conflict")
    reply = pending_review(locked)
    if reply is None:  # not reached through the services: every reviewing ticket has one
        raise Conflict("该工单没有待审核的办理结果", code="state_conflict")
    return locked, reply


@transaction.atomic
def ticket_review_approve(*, ticket: Ticket, actor, note: str = "") -> Ticket:
    """审核通过: the pending reply becomes the ticket's reply. Exactly what a reply does without
    review follows: the survey opens (its limit counted from now), and the citizen gets the result
    SMS with the approved text (sms_gateway.ticket_sms, on this event). The ticket's on-time-ness
    stays that of the reply (replied_at = when the unit replied, not when the centre approved)."""
    require_role(actor, *OFFICE, what="审核办理结果")
    note = validate_text(note, field="note", label="审核意见", max_length=1000, required=False)
    locked, reply = _reviewed(ticket, what="审核通过")
    now = timezone.now()
    approved = transition(
        ticket=locked, action="review_approve", actor=actor,
        payload={"unit": reply.unit.name, "unit_id": reply.unit_id, "reply_id": reply.pk,
                 "reply_text": reply.text, "replied_at": iso_local(reply.created_at), "note": note},
        changes={"callback_due_at": add_working_days(now, limits_for_ticket(locked).callback_limit_days)},
    )
    Reply.objects.filter(pk=reply.pk).update(review_state=Reply.Review.APPROVED, reviewed_by=actor,
                                             reviewed_at=now, review_note=note)
    survey_open(ticket=approved)
    return approved


@transaction.atomic
def ticket_review_send_back(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """退回重办: the reply does not do (incomplete, not the agreed wording, 答复口径); the lead unit
    handles the ticket again and replies anew. Its part goes back to 已签收, the reason is on its
    ticket page and in its inbox, its head gets an SMS; the deadline stands (the clock kept running
    during the review). Lights the ticket reached while under review are not notified again."""
    require_role(actor, *OFFICE, what="退回重办")
    reason = validate_text(reason, field="reason", label="退回理由", max_length=1000)
    locked, reply = _reviewed(ticket, what="退回重办")
    now = timezone.now()
    returned = transition(
        ticket=locked, action="review_send_back", actor=actor,
        payload={"unit": reply.unit.name, "unit_id": reply.unit_id, "reply_id": reply.pk, "reason": reason},
        changes={"replied_at": None},
    )
    Reply.objects.filter(pk=reply.pk).update(review_state=Reply.Review.SENT_BACK, reviewed_by=actor,
                                             reviewed_at=now, review_note=reason)
    Assignment.objects.filter(pk=reply.assignment_id).update(state=Assignment.State.SIGNED, replied_at=None,
                                                             ended_at=None)
    schedule_light_timers(ticket=returned, now=now, only_future=True)
    return returned
