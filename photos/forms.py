"""A form field for a ticket's photos (the portal's 我要反映, the village agent's page): several
files in one input; its clean() hands back photos_prepare's checked, re-encoded photos."""
from django import forms
from django.core.exceptions import ValidationError

from hotline.errors import HotlineError

from .images import MAX_BYTES
from .services import MAX_PER_TICKET, photos_prepare

PHOTOS_HELP = (f"可选，最多{MAX_PER_TICKET}张，JPEG、PNG或WebP格式，每张不超过{MAX_BYTES // (1024 * 1024)}MB；"
               "照片中的拍摄位置等信息会被去除，照片不会在网站上公开")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PER_TICKET photos, checked by content before anything is saved: the cleaned
    value is a list of photos.images.PreparedPhoto for photos_add(files=…)."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "现场照片")
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", PHOTOS_HELP)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [super(PhotosField, self).clean(f, initial) for f in files]
        try:
            return photos_prepare(files)
        except HotlineError as exc:
            raise ValidationError(exc.message) from None
