"""Adding photos to a ticket: all of them or none."""
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from hotline.errors import InvalidInput
from hotline.models import Ticket
from hotline.workflow import lock_ticket, record_event

from ..images import EXTENSIONS, PreparedPhoto, prepare_photo
from ..models import Photo

MAX_PER_TICKET = getattr(settings, "PHOTOS_PER_TICKET", 6)


def photos_prepare(files) -> list[PreparedPhoto]:
    """Every file checked and re-encoded before anything is written (a form's clean() calls this
    so that a bad photo is refused before the ticket is registered)."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_PER_TICKET:
        raise InvalidInput(f"每张工单最多上传{MAX_PER_TICKET}张照片，本次选择了{len(files)}张", field="photos")
    return [f if isinstance(f, PreparedPhoto) else prepare_photo(f) for f in files]


def _unguessable_path(kind_extension: str, *, thumbnail: bool = False) -> str:
    token = secrets.token_urlsafe(24)
    return f"photos/{token[:2]}/{token}{'-thumb.jpg' if thumbnail else kind_extension}"


def photos_add(*, ticket: Ticket, files, actor=None, actor_label: str = "") -> list[Photo]:
    """Add `files` (uploaded files, or photos_prepare's results) to `ticket`: up to MAX_PER_TICKET
    on a ticket in all; JPEG, PNG and WebP by content; stored re-encoded without EXIF; a thumbnail
    each; one `photos_added` line on the timeline. A refusal (InvalidInput/UnsupportedFile, field
    "photos") saves none of them. `actor` None is the citizen (portal) or the system."""
    prepared = photos_prepare(files)
    if not prepared:
        return []
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = lock_ticket(ticket.pk)  # two uploads at once cannot both pass the count
            already = Photo.objects.filter(ticket_id=locked.pk).count()
            if already + len(prepared) > MAX_PER_TICKET:
                room = MAX_PER_TICKET - already
                raise InvalidInput(
                    f"每张工单最多{MAX_PER_TICKET}张照片，已有{already}张，"
                    + (f"还能再传{room}张" if room > 0 else "不能再上传"),
                    field="photos", code="too_many_photos")
            photos = []
            for p in prepared:
                image_path = default_storage.save(_unguessable_path(EXTENSIONS[p.kind]), ContentFile(p.data))
                written.append(image_path)
                thumb_path = default_storage.save(_unguessable_path("", thumbnail=True), ContentFile(p.thumbnail))
                written.append(thumb_path)
                photos.append(Photo(ticket_id=locked.pk, image=image_path, thumbnail=thumb_path,
                                    content_type=p.content_type, width=p.width, height=p.height,
                                    size=len(p.data), uploaded_by=actor))
            photos = Photo.objects.bulk_create(photos)
            record_event(ticket=locked, kind="photos_added", actor=actor,
                         actor_label=actor_label or ("" if actor else "市民"),
                         payload={"count": len(photos), "total": already + len(photos)})
    except BaseException:
        for path in written:  # nothing half-saved: the rows rolled back, so do their files
            default_storage.delete(path)
        raise
    return photos


def photos_sweep_orphans(*, older_than_seconds: int = 3600) -> int:
    """Delete stored photo files no Photo row names. photos_add deletes what it wrote when it fails
    itself, but a caller's outer transaction can still roll back after it returned (Django has no
    on-rollback hook); those files are never served (the views go by row) and this removes them.
    Only files older than `older_than_seconds`, so that an upload still in its transaction stays."""
    import time

    if not default_storage.exists("photos"):
        return 0
    known = set(Photo.objects.values_list("image", flat=True)) | set(Photo.objects.values_list("thumbnail", flat=True))
    cutoff = time.time() - older_than_seconds
    removed = 0
    folders, _ = default_storage.listdir("photos")
    for folder in folders:
        for name in default_storage.listdir(f"photos/{folder}")[1]:
            path = f"photos/{folder}/{name}"
            if path not in known and default_storage.get_modified_time(path).timestamp() < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
