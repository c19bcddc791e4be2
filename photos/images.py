"""One uploaded picture checked and re-encoded, in memory, before anything is saved.

Checked by content (hardening.uploads: JPEG, PNG, WebP only; HTML or SVG renamed .jpg refused),
by size and by pixel count read from the header before any pixel is decoded (a decompression
bomb of a few KB can expand to gigabytes). Re-encoded from its pixels alone: the EXIF block (with
its GPS position, camera serial, time) and every other metadata chunk are left behind, after the
EXIF orientation has been applied so that a phone's portrait photo is not stored sideways."""
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from hardening.uploads import UploadRefused, check_upload
from hotline.errors import InvalidInput, UnsupportedFile

PHOTO_KINDS = frozenset({"jpeg", "png", "webp"})
MAX_BYTES = getattr(settings, "PHOTOS_MAX_BYTES", 10 * 1024 * 1024)
MAX_PIXELS = getattr(settings, "PHOTOS_MAX_PIXELS", 40_000_000)  # 40 MP: any phone camera, no bomb
THUMBNAIL_PX = getattr(settings, "PHOTOS_THUMBNAIL_PX", 320)
PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}


@dataclass(frozen=True)
class PreparedPhoto:
    """A picture ready to store: the clean bytes, the thumbnail's bytes and what they are."""

    name: str
    kind: str
    data: bytes
    thumbnail: bytes
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _mb(n: int) -> str:
    return f"{round(n / (1024 * 1024), 1):g}MB"


def _refuse(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"照片「{name}」{why}", field="photos")


def _open_checked(f, name: str, kind: str) -> Image.Image:
    try:
        f.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(f)  # reads the header only
            if image.format != PILLOW_FORMAT[kind]:
                raise UnidentifiedImageError(image.format)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(name, f"像素过多（{width}×{height}），最多{MAX_PIXELS // 1_000_000}百万像素")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(name, f"像素过多，最多{MAX_PIXELS // 1_000_000}百万像素") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UnsupportedFile(f"照片「{name}」无法识别或已损坏，请换一张", field="photos") from None
    return image


def _clean_pixels(image: Image.Image, kind: str) -> Image.Image:
    """The picture upright, as plain pixels with no metadata attached."""
    upright = ImageOps.exif_transpose(image)  # applies and drops the Orientation tag
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    mode = "RGBA" if has_alpha and kind != "jpeg" else "RGB"
    clean = upright.convert(mode)
    clean.info = {}  # nothing of the original's info (exif, xmp, text chunks, icc) is written back
    return clean


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "jpeg":
        image.save(out, "JPEG", quality=88, optimize=True)
    elif kind == "webp":
        image.save(out, "WEBP", quality=85)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    if small.mode == "RGBA":  # thumbnails are JPEG: transparency on white
        backing = Image.new("RGB", small.size, "white")
        backing.paste(small, mask=small.getchannel("A"))
        small = backing
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def prepare_photo(f) -> PreparedPhoto:
    """The upload checked and re-encoded; InvalidInput / UnsupportedFile (Chinese, naming the
    file, field "photos") when it is not a photo we take."""
    name = (getattr(f, "name", "") or "照片")[:100]
    size = getattr(f, "size", None)
    if size is None:
        f.seek(0, io.SEEK_END)
        size = f.tell()
    if size > MAX_BYTES:
        raise _refuse(name, f"有{_mb(size)}，超过每张{_mb(MAX_BYTES)}的上限，请压缩后再上传")
    if size == 0:
        raise _refuse(name, "是空文件")
    try:
        kind = check_upload(f, allowed=PHOTO_KINDS)
    except UploadRefused as refused:
        raise UnsupportedFile(f"{refused}；照片只收JPEG、PNG、WebP", field="photos") from None
    image = _open_checked(f, name, kind)
    try:
        clean = _clean_pixels(image, kind)
    finally:
        image.close()  # Pillow may close the upload with it: the upload is not read again
    return PreparedPhoto(name=name, kind=kind, data=_encode(clean, kind), thumbnail=_thumbnail(clean),
                         width=clean.width, height=clean.height)
