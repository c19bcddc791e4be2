"""Tickets in a given state, made through the services as the right people would."""
from dispatch import services as d
from dispatch.models import ExtensionRequest
from hotline.models import Category, Ticket
from hotline.services import tickets as t

CITIZEN_PHONE = "13812345678"
CITIZEN_NAME = "张三丰"
SECRET_TITLE = "机密标题：幸福小区3栋漏水"
# A ticket is dispatched only with a category (issue #24): the factories' tickets have one.
CATEGORY = "城乡建设/住房保障与房地产/物业服务"


def category(full_name: str = CATEGORY) -> Category:
    return Category.objects.get(full_name=full_name)


def registered(people, *, ticket_type="complaint", urgency="normal", **extra) -> Ticket:
    fields = {"channel": "phone", "ticket_type": ticket_type, "urgency": urgency,
              "title": SECRET_TITLE, "content": "楼上漏水到我家，物业不管。",
              "citizen_phone": CITIZEN_PHONE, "citizen_name": CITIZEN_NAME} | extra
    if "category" not in fields:
        fields["category"] = category()
    return t.ticket_register(actor=people["operator"], **fields)


def pending(people, **extra) -> Ticket:
    ticket = registered(people, **extra)
    return d.ticket_submit_for_approval(ticket=ticket, actor=people["supervisor"], leader=people["leader"])


def dispatched(people, *, co=True, **extra) -> Ticket:
    """Lead unit A, co-unit B."""
    ticket = registered(people, **extra)
    co_units = [people["staff_b"].unit] if co else []
    return d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit,
                             co_units=co_units)


def in_progress(people, *, co_signed=False, **extra) -> Ticket:
    ticket = dispatched(people, **extra)
    if co_signed:
        d.ticket_sign(ticket=ticket, actor=people["staff_b"])
    return d.ticket_sign(ticket=ticket, actor=people["staff_a"])


REPLY_TEXT = "已联系物业公司上门查明漏水原因，更换楼上破损水管并修补墙面，市民确认不再漏水。"


def reviewing(people, **extra) -> Ticket:
    """Lead unit A replied on a reviewed type (the factories' complaint, 办结审核): the reply waits
    for the centre. Co-unit B (when there is one) never answered, and A confirmed so."""
    ticket = in_progress(people, **extra)
    d.ticket_reply(ticket=ticket, actor=people["staff_a"], text=REPLY_TEXT, confirm_absent_co_units=True)
    return Ticket.objects.get(pk=ticket.pk)


def replied(people, **extra) -> Ticket:
    """Lead unit A replied (and, on a reviewed type, the supervisor approved the reply); co-unit B
    (when there is one) never answered, and A confirmed so."""
    ticket = reviewing(people, **extra)
    if ticket.state == "reviewing":
        d.ticket_review_approve(ticket=ticket, actor=people["supervisor"])
    return Ticket.objects.get(pk=ticket.pk)


def with_pending_extension(people) -> ExtensionRequest:
    ticket = in_progress(people)
    return d.extension_request(ticket=ticket, actor=people["staff_a"], reason="需协调多个部门", extra_days=3)


def with_pending_return(people, **extra) -> Ticket:
    """Lead unit A asked to return it (退单申请 waiting for the centre); co-unit B; not signed."""
    ticket = dispatched(people, **extra)
    d.ticket_return(ticket=ticket, actor=people["staff_a"], reason_code="not_ours",
                    reason="路灯归城管局管理，非本单位职责")
    return fresh(ticket)


def returned(people, **extra) -> Ticket:
    """Lead unit A's return accepted by the supervisor: state returned, waiting for re-dispatch."""
    ticket = with_pending_return(people, **extra)
    return d.ticket_return_accept(ticket=ticket, actor=people["supervisor"], note="同意退单")


def suggested_duplicate(people) -> Ticket:
    """A second registration of the same matter, with the stored 疑似重复 pair to the first."""
    from reports.intelligence.suggestions import duplicates_record

    registered(people)
    newer = registered(people)
    assert duplicates_record(ticket_id=newer.pk), "the factories' two tickets read as the same matter"
    return newer


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


# 挂起 (issue 16, item 4)
def with_pending_suspension(people, *, signed=True) -> Ticket:
    """Lead unit A asked to suspend (signed, or not yet); the centre has not decided."""
    ticket = in_progress(people) if signed else dispatched(people)
    d.ticket_suspension_request(ticket=ticket, actor=people["staff_a"], reason_kind="citizen_materials",
                                reason="等待市民提供房屋产权证明", expected_days=5)
    return fresh(ticket)


def suspended(people, *, signed=True) -> Ticket:
    ticket = with_pending_suspension(people, signed=signed)
    return d.ticket_suspension_decide(ticket=ticket, actor=people["supervisor"], approve=True).ticket
