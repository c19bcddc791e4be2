"""The 申诉 button on the unit's ticket page (templates/unit/ticket.html): shown only where the
unit may appeal something now, and the appeals already made on the ticket."""
from django import template

from appeals import rules
from appeals.models import Appeal

register = template.Library()


@register.inclusion_tag("appeals/_ticket_appeals.html")
def ticket_appeals(user, ticket):
    kinds = rules.kinds_open_to(user, ticket)
    appeals = list(Appeal.objects.filter(ticket=ticket, unit_id=getattr(user, "unit_id", None))
                   .order_by("-created_at")) if getattr(user, "unit_id", None) else []
    return {"ticket": ticket, "kinds": kinds, "appeals": appeals}
