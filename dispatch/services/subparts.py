"""The parts handed down to sub-units (二级派单) and the co-units' parts, as the services that
handle a ticket see them (issue 16 items 5 and 6): what handling.ticket_sign/ticket_reply ask
before and after a reply. Only models here, so that handling and twolevel both import it."""
from django.utils import timezone

from hotline.errors import Conflict
from hotline.models import Ticket

from ..models import UNSETTLED_SUB, Assignment, Reply

EXCERPT = 80


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = (text or "").strip()
    return text[:limit] + "…" if len(text) > limit else text


def unsettled_sub_parts(parent: Assignment) -> list[dict]:
    """The parts handed down from `parent` it has not settled, in hand-down order."""
    rows = (Assignment.objects.filter(UNSETTLED_SUB, parent=parent).order_by("id")
            .values("pk", "unit_id", "unit__name", "state"))
    return [{"id": r["pk"], "unit_id": r["unit_id"], "unit": r["unit__name"], "state": r["state"]} for r in rows]


SUB_STATE_WORDS = {"pending": "尚未签收", "signed": "办理中", "replied": "已回复，待审核"}


def describe_sub_parts(parts: list[dict]) -> str:
    return "、".join(f"{p['unit']}（{SUB_STATE_WORDS.get(p['state'], p['state'])}）" for p in parts)


def settle_before_reply(parent: Assignment, *, confirm: bool) -> dict:
    """Before the parent replies upward: its unsettled sub parts refuse the reply (409
    sub_parts_open) unless it confirms; then they end as 已结束. Returns payload for the reply's
    event (the sub-units ended, if any). Runs in the reply's transaction (ticket locked)."""
    parts = unsettled_sub_parts(parent)
    if not parts:
        return {}
    if not confirm:
        raise Conflict(
            f"已转下级办理、尚未审核完毕：{describe_sub_parts(parts)}。请先审核或收回下级办理；"
            "如直接回复，请确认结束下级办理",
            code="sub_parts_open", field="confirm_open_sub_parts",
        )
    Assignment.objects.filter(UNSETTLED_SUB, parent=parent).update(
        state=Assignment.State.CLOSED, ended_at=timezone.now())
    return {"closed_sub_units": [p["unit"] for p in parts], "closed_sub_unit_ids": [p["unit_id"] for p in parts]}


def sub_reply_payload(part: Assignment) -> dict:
    """What a sub-unit's reply event adds: the unit it answers to."""
    parent_unit = Assignment.objects.filter(pk=part.parent_id).values_list("unit__name", "unit_id").first()
    return {"parent_unit": parent_unit[0], "parent_unit_id": parent_unit[1]} if parent_unit else {}


def co_parts_record(ticket: Ticket) -> dict:
    """Issue 16 item 6: what the lead's reply event records of the current round's co-units:
    each one answered (with its reply's excerpt) or absent. Two queries, whatever their number."""
    parts = list(Assignment.objects.filter(ticket=ticket, is_current=True, role=Assignment.Role.CO)
                 .order_by("id").values("pk", "unit_id", "unit__name", "state", "due_at", "replied_at"))
    if not parts:
        return {}
    texts: dict[int, str] = {}
    for assignment_id, text in (Reply.objects.filter(assignment_id__in=[p["pk"] for p in parts])
                                .order_by("id").values_list("assignment_id", "text")):
        texts[assignment_id] = text  # the latest reply of each part
    record = []
    for p in parts:
        answered = p["state"] == Assignment.State.REPLIED
        on_time = None
        if answered and p["due_at"] is not None and p["replied_at"] is not None:
            on_time = p["replied_at"] <= p["due_at"]
        record.append({"unit": p["unit__name"], "unit_id": p["unit_id"], "answered": answered,
                       "excerpt": excerpt(texts.get(p["pk"], "")) if answered else "", "on_time": on_time})
    payload = {"co_parts": record}
    answered = [f"{r['unit']}：{r['excerpt']}" for r in record if r["answered"]]
    if answered:
        payload["answered_co_units"] = answered
    return payload
