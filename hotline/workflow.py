"""The ticket state machine: one transition table and the one function that moves a ticket.

Every service that changes a ticket's state calls `transition()`. It locks the
ticket row, checks the current state against the table, applies the change,
writes the TicketEvent in the same transaction and publishes it after commit.
Two people acting on one ticket at once: the second finds the state moved and
gets a Conflict (HTTP 409).
"""
from dataclasses import dataclass
from typing import Unpack

from django.db import transaction
from django.utils import timezone

from .errors import Conflict, NotFound
from .events import EventDetails, new_event, save_event
from .models import Ticket, TicketEvent, TicketState
from .models.tickets import OPEN_STATES

S = TicketState


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    label: str


TRANSITIONS: dict[str, Transition] = {
    "answer_directly": Transition(frozenset({S.REGISTERED}), S.CLOSED, "直接答复办结"),
    "submit_for_approval": Transition(frozenset({S.REGISTERED, S.REOPENED}), S.PENDING_APPROVAL, "呈报领导"),
    "instruct": Transition(frozenset({S.PENDING_APPROVAL}), S.APPROVED, "领导批示"),
    # 领导退回: the ticket goes back to where it was reported from, the leader cleared. A
    # reported ticket came from 登记 (never dispatched nor instructed) or from 重办, so a
    # ticket in 登记 still never was dispatched, instructed or had a leader (the push
    # audience's short cut, dispatch.visibility.ticket_audience, relies on it).
    "leader_return": Transition(frozenset({S.PENDING_APPROVAL}), S.REGISTERED, "领导退回"),
    "leader_return_reopened": Transition(frozenset({S.PENDING_APPROVAL}), S.REOPENED, "领导退回"),
    "dispatch": Transition(frozenset({S.REGISTERED, S.APPROVED, S.REOPENED}), S.DISPATCHED, "派单"),
    "redispatch": Transition(frozenset({S.RETURNED}), S.DISPATCHED, "重新派单"),
    "sign": Transition(frozenset({S.DISPATCHED}), S.IN_PROGRESS, "签收"),
    "reply": Transition(frozenset({S.IN_PROGRESS}), S.REPLIED, "回复"),
    "return": Transition(frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.RETURNED, "退单"),
    "callback_satisfied": Transition(frozenset({S.REPLIED}), S.CLOSED, "回访满意办结"),
    "callback_dissatisfied": Transition(frozenset({S.REPLIED}), S.REOPENED, "回访不满意重办"),
    "close_without_callback": Transition(frozenset({S.REPLIED}), S.CLOSED, "回访无果办结"),
    # --- issue 16, item 2: reassignment (改派) ---
    # The centre takes a ticket from the unit that holds it and gives it to another, with a fresh
    # deadline: like a re-dispatch, but from a state in which a unit still has it.
    "reassign": Transition(frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.DISPATCHED, "改派"),
    # --- 办结审核 (reply review, issue 16 item 3) ---
    # The lead unit's reply on a reviewed ticket type waits for the centre; approval is what a
    # reply is today (survey, the citizen's result SMS); a send-back (退回重办) returns the ticket
    # to the unit with the deadline unchanged. dispatch/services/review.py.
    "reply_for_review": Transition(frozenset({S.IN_PROGRESS}), S.REVIEWING, "回复（待审核）"),
    "review_approve": Transition(frozenset({S.REVIEWING}), S.REPLIED, "审核通过"),
    "review_send_back": Transition(frozenset({S.REVIEWING}), S.IN_PROGRESS, "退回重办"),
    # --- end 办结审核 ---
    "merge": Transition(frozenset(OPEN_STATES), S.MERGED, "并单"),
    "mark_invalid": Transition(frozenset(OPEN_STATES), S.INVALID, "无效工单"),
    # --- 挂起 (issue 16, item 4: suspension with approval; dispatch/services/suspension.py) ---
    # The centre approves a suspension: the clock stops and the light freezes. It resumes (by a
    # supervisor, the citizen's SMS, or the sweep after the maximum) into the state it left:
    # 办理中 when the lead unit had signed, else 已派单.
    "suspend": Transition(frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.SUSPENDED, "挂起"),
    "resume": Transition(frozenset({S.SUSPENDED}), S.IN_PROGRESS, "恢复办理"),
    "resume_unsigned": Transition(frozenset({S.SUSPENDED}), S.DISPATCHED, "恢复办理"),
    # --- end 挂起 ---
}


def allowed_actions(state: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if state in t.sources]


def lock_ticket(ticket_id: int) -> Ticket:
    """Lock the ticket row for the rest of the transaction (no-op lock on SQLite,
    where IMMEDIATE transactions already serialise writers)."""
    try:
        return Ticket.objects.select_for_update().get(pk=ticket_id)
    except Ticket.DoesNotExist:
        raise NotFound("工单不存在") from None


def expect_version(ticket_id: int, version: int | None) -> Ticket:
    """Lock the ticket and check that it is still the version the client saw (If-Match).

    Call inside the action's transaction, before the service: the lock is then held until
    the service commits, so of two clients holding the same version exactly one gets through.
    """
    locked = lock_ticket(ticket_id)
    if version is not None and locked.version != version:
        raise Conflict("工单已被他人更新，请刷新后重试", code="stale_version")
    return locked


def touch(ticket: Ticket, *fields: str) -> None:
    """Save `fields` of a locked ticket that changes without a transition (a new deadline,
    a follow-up), bumping its version."""
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def record_event(*, ticket: Ticket, kind: str, **details: Unpack[EventDetails]) -> TicketEvent:
    """Append an event (a transition or anything else worth a line on the timeline)."""
    return save_event(new_event(ticket=ticket, kind=kind, **details))


def transition(
    *,
    ticket: Ticket,
    action: str,
    actor=None,
    actor_label: str = "",
    payload: dict | None = None,
    changes: dict | None = None,
) -> Ticket:
    """Move `ticket` by `action`. Must run inside transaction.atomic().

    `ticket` may be stale: the row is re-read under lock and the state checked
    against that. `changes` are further fields to set in the same UPDATE.
    Returns the fresh, updated ticket.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic()")
    spec = TRANSITIONS[action]
    locked = lock_ticket(ticket.pk)
    if locked.state not in spec.sources:
        raise Conflict(
            f"工单当前状态为「{TicketState(locked.state).label}」，不能{spec.label}",
            code="state_conflict",
        )
    from_state = locked.state
    now = timezone.now()
    locked.state = spec.target
    locked.state_changed_at = now
    locked.version += 1
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
    locked.save()
    record_event(
        ticket=locked,
        kind=action,
        actor=actor,
        actor_label=actor_label,
        from_state=from_state,
        to_state=spec.target,
        payload=payload,
    )
    return locked
