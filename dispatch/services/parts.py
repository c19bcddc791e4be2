"""The units' parts of a ticket (Assignment rows) as the ticket moves on without them: released
when it leaves its units, co-unit parts closed when it closes. Every service that ends a ticket's
handling (handling, callbacks, merging) calls these, and they need nothing but the models, so
they stand apart from those services (and callbacks no longer imports handling inside functions)."""
from django.utils import timezone

from hotline.models import Ticket
from hotline.workflow import record_event

from ..models import OPEN_CO_PART, UNSETTLED_SUB, Assignment, ExtensionRequest, Reply, Suspension, TicketReturn


def release_units(ticket: Ticket, *, note: str) -> None:
    """The ticket leaves its units (returned, merged, invalid, reopened): their current parts
    end, unfinished ones as cancelled (a reply stays a reply), and an undecided extension or
    return request is withdrawn. Parts handed down to sub-units (issue 16, 二级派单) are current parts
    too: they end with their parent's."""
    current = Assignment.objects.filter(ticket=ticket, is_current=True)
    current.filter(state__in=[Assignment.State.PENDING, Assignment.State.SIGNED]).update(
        is_current=False, state=Assignment.State.CANCELLED, ended_at=timezone.now()
    )
    current.update(is_current=False)
    withdraw_extensions(ticket, note=note)
    withdraw_returns(ticket, note=note)
    withdraw_suspensions(ticket, note="工单已离开承办单位，挂起申请自动撤销")
    # 办结审核: a reply still awaiting the centre's review is no longer decided (并单, 无效).
    Reply.objects.filter(ticket=ticket, review_state=Reply.Review.PENDING).update(
        review_state=Reply.Review.CANCELLED, reviewed_at=timezone.now())


def open_co_parts(ticket: Ticket) -> list[dict]:
    """The co-units of the current round that have not answered yet (never signed, or signed
    and not replied), in dispatch order: [{"unit_id", "unit", "state"}]."""
    rows = (Assignment.objects.filter(OPEN_CO_PART, ticket=ticket)
            .order_by("id").values("unit_id", "unit__name", "state"))
    return [{"unit_id": r["unit_id"], "unit": r["unit__name"], "state": r["state"]} for r in rows]


def describe_open_co_parts(parts: list[dict]) -> str:
    """协办单位 X（尚未签收）、Y（已签收，尚未答复）"""
    return "、".join(
        f"{p['unit']}（{'尚未签收' if p['state'] == Assignment.State.PENDING else '已签收，尚未答复'}）" for p in parts
    )


def co_parts_close(*, ticket: Ticket, actor=None, why: str) -> list[str]:
    """The ticket has closed (办结, 并单, 无效): every co-unit part still unanswered ends as 已结束,
    so it leaves the co-unit's 待办, with one event naming those units. Set-based: one read of
    the open parts, one UPDATE. Runs in the closing service's transaction (ticket locked).
    Returns the names of the units whose parts were closed."""
    parts = open_co_parts(ticket)
    # Issue 16 item 5: parts handed down to sub-units and not settled end with the ticket too.
    subs = list(Assignment.objects.filter(UNSETTLED_SUB, ticket=ticket).order_by("id")
                .values_list("unit__name", flat=True))
    if not parts and not subs:
        return []
    now = timezone.now()
    Assignment.objects.filter(OPEN_CO_PART, ticket=ticket).update(state=Assignment.State.CLOSED, ended_at=now)
    if subs:
        Assignment.objects.filter(UNSETTLED_SUB, ticket=ticket).update(state=Assignment.State.CLOSED, ended_at=now)
    names = [p["unit"] for p in parts]
    payload = {"co_units": names, "co_unit_ids": [p["unit_id"] for p in parts], "note": why}
    if subs:
        payload["closed_sub_units"] = subs
    record_event(ticket=ticket, kind="co_parts_closed", actor=actor, payload=payload)
    return names


def withdraw_extensions(ticket: Ticket, *, note: str) -> None:
    ExtensionRequest.objects.filter(ticket=ticket, state=ExtensionRequest.State.PENDING).update(
        state=ExtensionRequest.State.CANCELLED, decision_note=note, decided_at=timezone.now()
    )


def withdraw_returns(ticket: Ticket, *, note: str) -> None:
    """An undecided 退单 request ends as 已撤销 with `note` (the unit replied, or the ticket left it)."""
    TicketReturn.objects.filter(ticket=ticket, state=TicketReturn.State.PENDING).update(
        state=TicketReturn.State.CANCELLED, decision_note=note, decided_at=timezone.now()
    )


# 挂起 (issue 16, item 4): a request nobody decided is withdrawn when the ticket leaves its unit or
# is replied; a suspension in force ends with the ticket (并单, 无效 while suspended).
def withdraw_suspensions(ticket: Ticket, *, note: str) -> None:
    now = timezone.now()
    Suspension.objects.filter(ticket=ticket, state=Suspension.State.PENDING).update(
        state=Suspension.State.CANCELLED, decision_note=note, decided_at=now
    )
    Suspension.objects.filter(ticket=ticket, state=Suspension.State.ACTIVE).update(
        state=Suspension.State.CANCELLED, resumed_at=now
    )
