"""Writes when a point is used: linked to a direct answer, to a unit's reply, marked unhelpful,
shown on the portal or sent by SMS. Each is a KnowledgeUse row (the statistics count them)."""
from django.db import transaction

from hotline.errors import Conflict, NotAllowed
from hotline.models import Role, Ticket
from hotline.permissions import HOTLINE_STAFF, require_role
from hotline.privacy import scrub_text
from hotline.workflow import record_event

from ..models import KnowledgePoint, KnowledgeUse
from ..use_selectors import point_for_use

Kind = KnowledgeUse.Kind
QUERY_CHARS = 200


def point_label(point: KnowledgePoint) -> str:
    """How a point is named on a ticket's timeline: its title and the version that was used."""
    return f"{point.title}（第{point.version}版）"


@transaction.atomic
def use_answered(*, ticket: Ticket, point_id, actor) -> KnowledgeUse:
    """Link the point whose answer the operator inserted to the ticket just closed as 直接答复:
    a KnowledgeUse (answered) and a `knowledge_answered` line on the timeline. NotFound when the
    point was withdrawn or expired meanwhile (the caller keeps the answer and says so)."""
    require_role(actor, *HOTLINE_STAFF, what="引用知识点")
    if not ticket.closed_by_hotline:
        raise Conflict("工单不是直接答复办结的，不能关联知识点", code="not_answered")
    point = point_for_use(point_id, public_only=False)
    use = KnowledgeUse.objects.create(point=point, kind=Kind.ANSWERED, ticket=ticket, user=actor,
                                      query=ticket.title[:QUERY_CHARS])
    record_event(ticket=ticket, kind="knowledge_answered", actor=actor,
                 payload={"point": point_label(point), "point_id": point.pk, "version": point.version})
    return use


def use_not_helpful(*, point_id, actor, query: str = "") -> KnowledgeUse:
    """The operator says a suggested point did not answer the caller's question."""
    require_role(actor, *HOTLINE_STAFF, what="评价知识点")
    point = point_for_use(point_id, public_only=False)
    return KnowledgeUse.objects.create(point=point, kind=Kind.NOT_HELPFUL, user=actor,
                                       query=scrub_text(query, max_length=QUERY_CHARS))


def use_unit_reply(*, ticket: Ticket, point_id, actor) -> KnowledgeUse:
    """A unit replied with a point's answer. `ticket` must come from
    dispatch.visibility.ticket_get_for(actor, …) (this app does not import dispatch): a unit's
    staff use points on the tickets they see, their own unit's."""
    if actor is None or not actor.is_authenticated or actor.role != Role.UNIT_STAFF or not actor.unit_id:
        raise NotAllowed("只有承办单位人员可以在答复中引用知识点")
    point = point_for_use(point_id, public_only=False)
    return KnowledgeUse.objects.create(point=point, kind=Kind.UNIT_REPLY, ticket=ticket, user=actor,
                                       query=ticket.title[:QUERY_CHARS])


def use_portal_view(*, point: KnowledgePoint, query: str = "") -> KnowledgeUse:
    """A citizen opened a public point on the portal."""
    return KnowledgeUse.objects.create(point=point, kind=Kind.PORTAL,
                                       query=scrub_text(query, max_length=QUERY_CHARS))


def use_sms(*, point: KnowledgePoint, question: str) -> KnowledgeUse:
    """A point's short answer went to a citizen who texted ZX <问题> (the number is not kept here)."""
    return KnowledgeUse.objects.create(point=point, kind=Kind.SMS,
                                       query=scrub_text(question, max_length=QUERY_CHARS))
