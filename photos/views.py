"""Photos are served only here, never as public media: staff who may see the ticket (the full
size audited as a download), and the portal for the photos the centre published with a case."""
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import audit_file
from hotline.errors import NotFound

from . import selectors
from .images import EXTENSIONS

KIND_BY_TYPE = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp"}


def _file_name(photo) -> str:
    return f"照片{photo.pk}{EXTENSIONS[KIND_BY_TYPE.get(photo.content_type, 'jpeg')]}"


def _send(photo, *, thumbnail: bool, private: bool, download: bool = False) -> FileResponse:
    stored = photo.thumbnail if thumbnail else photo.image
    response = FileResponse(default_storage.open(stored.name, "rb"), as_attachment=download,
                            filename=_file_name(photo) if download else None,
                            content_type="image/jpeg" if thumbnail else photo.content_type)
    # Private photos stay out of shared caches; X-Content-Type-Options: nosniff comes from SecurityMiddleware.
    response["Cache-Control"] = "private, max-age=3600" if private else "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _staff_photo(request, photo_id: int, *, part: str):
    """part: "page" (the photo in the product's page: a browser's bare image view styles itself
    inline, which the CSP refuses), "full" (the bytes, audited as a download) or "thumb"."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        photo = selectors.photo_for_viewer(user=request.user, photo_id=photo_id)
    except NotFound as exc:
        return render(request, "errors/404.html", {"message": exc.message}, status=404)
    if part == "page":
        return render(request, "photos/photo.html", {"photo": photo, "ticket": photo.ticket,
                                                     "src": f"/photos/{photo.pk}/full/"})
    if part == "full":
        audit_file(action=AuditAction.DOWNLOADED, request=request, target=photo.ticket,
                   file_name=_file_name(photo), detail={"photo": photo.pk})
    return _send(photo, thumbnail=part == "thumb", private=True, download="download" in request.GET)


@require_GET
def photo_page(request, photo_id: int):
    return _staff_photo(request, photo_id, part="page")


@require_GET
def photo_full(request, photo_id: int):
    return _staff_photo(request, photo_id, part="full")


@require_GET
def photo_thumbnail(request, photo_id: int):
    return _staff_photo(request, photo_id, part="thumb")


def _public(request, photo_id: int, *, part: str):
    try:
        photo = selectors.public_photo(photo_id)
    except NotFound as exc:
        return render(request, "errors/404.html", {"message": exc.message, "home": "/portal/cases/"}, status=404)
    if part == "page":
        return render(request, "photos/public_photo.html", {"photo": photo, "src": f"/portal/photos/{photo.pk}/full/"})
    return _send(photo, thumbnail=part == "thumb", private=False)


@require_GET
def public_page(request, photo_id: int):
    return _public(request, photo_id, part="page")


@require_GET
def public_full(request, photo_id: int):
    return _public(request, photo_id, part="full")


@require_GET
def public_thumbnail(request, photo_id: int):
    return _public(request, photo_id, part="thumb")
