"""Pictures made in the tests with Pillow: a phone's JPEG with GPS in its EXIF, PNG, WebP, fakes."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def jpeg_with_gps(name="现场.jpg", *, size=(400, 200), orientation=1) -> SimpleUploadedFile:
    """A landscape JPEG whose EXIF carries a GPS position, a camera make and an orientation."""
    image = Image.new("RGB", size, "red")
    for x in range(size[0] // 2):  # left half blue: orientation is visible in the pixels
        for y in range(size[1]):
            image.putpixel((x, y), (0, 0, 255))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 15.0, 10.5), 3: "E", 4: (120.0, 9.0, 1.25)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def picture(name, fmt, *, size=(64, 48), mode="RGB") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else (0, 128, 0)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue())


def png(name="图.png", **kw):
    return picture(name, "PNG", **kw)


def webp(name="图.webp", **kw):
    return picture(name, "WEBP", **kw)


SCRIPT_SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
              b'<script>alert(document.cookie)</script></svg>')
HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/steal')</script></body></html>"
