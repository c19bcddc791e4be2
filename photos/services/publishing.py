"""Which photos of a published case the portal shows (the centre's per-photo 公开 choice)."""
from django.db import transaction

from hotline.errors import InvalidInput
from hotline.models import Ticket

from ..models import Photo


@transaction.atomic
def photos_publish(*, ticket: Ticket, photo_ids) -> int:
    """Exactly `photo_ids` of the ticket's photos become public, the others private. Returns how
    many are public. An id that is not this ticket's photo is refused."""
    wanted = {int(pk) for pk in photo_ids or ()}
    theirs = set(Photo.objects.filter(ticket_id=ticket.pk).values_list("pk", flat=True))
    if wanted - theirs:
        raise InvalidInput("所选照片不属于该工单", field="photos")
    Photo.objects.filter(ticket_id=ticket.pk).exclude(pk__in=wanted).update(public=False)
    return Photo.objects.filter(ticket_id=ticket.pk, pk__in=wanted).update(public=True) if wanted else 0
