"""{% ticket_photos ticket %}: a ticket's thumbnails, each a link to the full photo, for the
staff ticket pages (one line in the page's template; nothing when the viewer may not see them)."""
from django import template

from ..selectors import ticket_photos as photos_of

register = template.Library()


@register.inclusion_tag("photos/_thumbnails.html", takes_context=True)
def ticket_photos(context, ticket):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"photos": photos_of(ticket=ticket, user=user) if ticket is not None and user else []}


@register.inclusion_tag("photos/_public_thumbnails.html")
def case_photos(photos):
    """The photos the centre published with a case (photos.selectors.public_photos)."""
    return {"photos": photos}
