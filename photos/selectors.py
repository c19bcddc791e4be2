"""Reads of the photos app: who may see which photo, and a ticket's photos for a page."""
from django.db.models import QuerySet

from dispatch.visibility import ticket_get_for
from hotline.errors import NotFound
from hotline.privacy import CENTRE_ROLES, ticket_as_seen_by
from hotline.validation import MAX_ID

from .models import Photo

# Who sees a ticket's photos, among those who see the ticket (dispatch.visibility): the centre and
# the units always (they go to the site); the filer (a village agent, a partner) theirs; a leader
# only on an ordinary ticket — on a confidential one (举报, 保密件) a photo of a doorway or a face
# can name the complainant, and the privacy lens hides the caller from leaders there.
NEVER = frozenset({"display", "sysadmin", "secadmin", "auditor"})


def may_see_photos(*, user, ticket) -> bool:
    if user is None or not user.is_authenticated or user.role in NEVER:
        return False
    if user.role in CENTRE_ROLES or user.role == "unit_staff":
        return True
    return not ticket_as_seen_by(ticket=ticket, user=user).hidden


def ticket_photos(*, ticket, user) -> list[Photo]:
    """The ticket's photos for a staff page, or [] when this viewer may not see them."""
    if not may_see_photos(user=user, ticket=ticket):
        return []
    return list(Photo.objects.filter(ticket_id=ticket.pk).order_by("pk"))


def _pk(photo_id) -> int:
    try:
        pk = int(photo_id)
        if not 0 < pk <= MAX_ID:
            raise ValueError(pk)
    except (TypeError, ValueError):
        raise NotFound("照片不存在") from None
    return pk


def photo_for_viewer(*, user, photo_id) -> Photo:
    """The photo when `user` may see it; NotFound otherwise (the same answer as a photo that does
    not exist: nobody learns that a ticket they cannot see has photos)."""
    pk = _pk(photo_id)
    photo = Photo.objects.filter(pk=pk).only("ticket_id").first()
    if photo is None:
        raise NotFound("照片不存在")
    try:
        ticket = ticket_get_for(user, photo.ticket_id)
    except NotFound:
        raise NotFound("照片不存在") from None
    if not may_see_photos(user=user, ticket=ticket):
        raise NotFound("照片不存在")
    return Photo.objects.get(pk=pk)


def public_photos(ticket_ids) -> QuerySet[Photo]:
    """Photos the centre chose to show with a published case (cases.services.case_publish). The
    relation `published_case` belongs to cases; photos reads it by name and never imports cases, so
    a withdrawn case's photos vanish with it and come back with the same choice if republished."""
    return Photo.objects.filter(ticket_id__in=ticket_ids, public=True,
                                ticket__published_case__state="published").order_by("ticket_id", "pk")


def public_photo(photo_id) -> Photo:
    pk = _pk(photo_id)
    photo = public_photos(Photo.objects.filter(pk=pk).values("ticket_id")).filter(pk=pk).first()
    if photo is None:
        raise NotFound("照片不存在")
    return photo
