import pytest

from dispatch import services as ds
from hotline.models import Category, Channel
from hotline.services import tickets as ts
from tests import factories


@pytest.fixture
def close_ticket(operator, supervisor, staff_a, unit_a):
    """close_ticket(content=..., category=..., ...) -> a ticket handled by unit A and closed satisfied."""

    def close(content="小区门口路灯不亮，晚上出行不便", *, phone="13812345678", name="张三丰",
              reply="已更换小区门口两盏路灯的灯泡，经现场核实已恢复照明", **extra):
        extra.setdefault("ticket_type", "complaint")
        extra.setdefault("category", factories.category())  # dispatch needs one
        ticket = ts.ticket_register(actor=operator, channel=Channel.PHONE, content=content, citizen_phone=phone,
                                    citizen_name=name, **extra)
        if ticket.ticket_type == "report":  # reports go to a leader first: answered by the hotline here
            ts.ticket_answer_directly(ticket=ticket, actor=operator, answer=reply)
        else:
            ds.ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a)
            ds.ticket_sign(ticket=ticket, actor=staff_a)
            ds.ticket_reply(ticket=ticket, actor=staff_a, text=reply)
            if ds.reply_review_required(ticket.ticket_type):  # 办结审核: the office approves first
                ds.ticket_review_approve(ticket=ticket, actor=supervisor)
            ds.survey_record(ticket=ticket, actor=operator, result="satisfied")
        ticket.refresh_from_db()
        return ticket

    return close


@pytest.fixture
def two_roots(db):
    """Two leaf categories under different first-level categories."""
    leaves = []
    for root in Category.objects.filter(level=1).order_by("pk"):
        leaf = Category.objects.filter(level=3, full_name__startswith=root.full_name + "/").order_by("pk").first()
        if leaf is not None:
            leaves.append(leaf)
        if len(leaves) == 2:
            return leaves
    pytest.skip("the taxonomy has fewer than two first-level categories")
