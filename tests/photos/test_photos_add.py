"""photos_add: what is stored is a clean, upright copy with a thumbnail; what is refused saves nothing."""
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hotline.errors import InvalidInput, UnsupportedFile
from hotline.models import TicketEvent
from photos.models import Photo
from photos.services import MAX_PER_TICKET, photos_add
from tests import factories as f

from .images import GPS_IFD, HTML_PAGE, SCRIPT_SVG, jpeg_with_gps, png, webp

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]  # the row lock and bulk_create ids on PostgreSQL too


def stored_files():
    root = default_storage.location
    import os

    return sorted(os.path.join(d, n) for d, _, names in os.walk(root) for n in names) if os.path.isdir(root) else []


def test_stored_copy_has_no_exif_nor_gps_and_a_small_thumbnail(people):
    ticket = f.registered(people)
    [photo] = photos_add(ticket=ticket, files=[jpeg_with_gps()], actor=people["operator"])
    with default_storage.open(photo.image.name) as fh, Image.open(fh) as stored:
        assert stored.format == "JPEG"
        exif = stored.getexif()
        assert not exif.get_ifd(GPS_IFD) and len(exif) == 0
        assert "exif" not in stored.info
        raw = fh.seek(0) or fh.read()
    assert b"PhoneMaker" not in raw and b"Exif" not in raw
    with default_storage.open(photo.thumbnail.name) as fh, Image.open(fh) as thumb:
        assert max(thumb.size) <= 320
    assert photo.size < 200_000 and (photo.width, photo.height) == (400, 200)
    event = TicketEvent.objects.get(ticket=ticket, kind="photos_added")
    assert event.payload["count"] == 1


def test_orientation_is_applied_before_the_exif_goes(people):
    ticket = f.registered(people)
    # Orientation 6: the camera was turned; a viewer rotates 90° clockwise to show it upright.
    [photo] = photos_add(ticket=ticket, files=[jpeg_with_gps(orientation=6)], actor=None)
    with default_storage.open(photo.image.name) as fh, Image.open(fh) as stored:
        assert stored.size == (200, 400)
        top = stored.convert("RGB").getpixel((100, 20))
        bottom = stored.convert("RGB").getpixel((100, 380))
    # Rotated clockwise, the blue left half is on top.
    assert top[2] > 200 and top[0] < 60
    assert bottom[0] > 200 and bottom[2] < 60


def test_png_and_webp_are_taken_and_keep_their_kind(people):
    ticket = f.registered(people)
    photos = photos_add(ticket=ticket, files=[png(mode="RGBA"), webp()], actor=people["operator"])
    assert [p.content_type for p in photos] == ["image/png", "image/webp"]
    for photo in photos:
        with default_storage.open(photo.image.name) as fh, Image.open(fh) as stored:
            assert stored.format in ("PNG", "WEBP")
            assert not stored.getexif()


def test_names_are_unguessable_and_not_the_citizens(people):
    ticket = f.registered(people)
    [photo] = photos_add(ticket=ticket, files=[jpeg_with_gps("张三家门口.jpg")], actor=None)
    assert "张三" not in photo.image.name and str(ticket.pk) not in photo.image.name.split("/")[-1][:4]
    assert len(photo.image.name.split("/")[-1]) > 30


@pytest.mark.parametrize("name,data", [("evil.svg", SCRIPT_SVG), ("photo.jpg", SCRIPT_SVG),
                                       ("photo.jpg", HTML_PAGE), ("page.html", HTML_PAGE)])
def test_script_bearing_svg_and_html_renamed_jpg_are_refused(people, name, data):
    ticket = f.registered(people)
    with pytest.raises(UnsupportedFile) as refused:
        photos_add(ticket=ticket, files=[SimpleUploadedFile(name, data)], actor=None)
    assert name in refused.value.message and "不能上传" in refused.value.message
    assert not Photo.objects.exists() and not stored_files()


def test_gif_is_not_a_photo_kind(people):
    ticket = f.registered(people)
    from .images import picture

    with pytest.raises(UnsupportedFile, match="JPEG、PNG、WebP"):
        photos_add(ticket=ticket, files=[picture("a.gif", "GIF")], actor=None)


def test_oversize_file_gets_a_clear_error(people, monkeypatch):
    monkeypatch.setattr("photos.images.MAX_BYTES", 10 * 1024 * 1024)
    ticket = f.registered(people)
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (11 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="超过每张10MB的上限") as refused:
        photos_add(ticket=ticket, files=[big], actor=None)
    assert "大图.jpg" in refused.value.message and refused.value.field == "photos"


def test_too_many_pixels_is_refused_before_decoding(people, monkeypatch):
    monkeypatch.setattr("photos.images.MAX_PIXELS", 10_000)
    ticket = f.registered(people)
    with pytest.raises(InvalidInput, match="像素过多"):
        photos_add(ticket=ticket, files=[png(size=(200, 200))], actor=None)


def test_a_broken_jpeg_is_refused(people):
    ticket = f.registered(people)
    with pytest.raises(UnsupportedFile, match="无法识别或已损坏"):
        photos_add(ticket=ticket, files=[SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0garbage" * 10)], actor=None)


def test_a_seventh_photo_is_refused_and_nothing_half_saved(people):
    ticket = f.registered(people)
    photos_add(ticket=ticket, files=[png(f"{i}.png") for i in range(5)], actor=None)
    with pytest.raises(InvalidInput, match="最多6张照片，已有5张，还能再传1张"):
        photos_add(ticket=ticket, files=[png("6.png"), png("7.png")], actor=None)
    assert Photo.objects.filter(ticket=ticket).count() == 5
    assert len(stored_files()) == 10  # five photos, five thumbnails: none of the refused pair
    photos_add(ticket=ticket, files=[png("6.png")], actor=None)
    with pytest.raises(InvalidInput, match="不能再上传"):
        photos_add(ticket=ticket, files=[png("7.png")], actor=None)
    assert Photo.objects.filter(ticket=ticket).count() == MAX_PER_TICKET


def test_one_bad_file_among_good_ones_saves_none(people):
    ticket = f.registered(people)
    with pytest.raises(UnsupportedFile):
        photos_add(ticket=ticket, files=[png(), SimpleUploadedFile("b.jpg", HTML_PAGE)], actor=None)
    assert not Photo.objects.exists() and not stored_files()
    assert not TicketEvent.objects.filter(kind="photos_added").exists()


def test_files_of_a_rolled_back_outer_transaction_are_swept(people):
    from django.core.management import call_command
    from django.db import transaction

    ticket = f.registered(people)
    [kept] = photos_add(ticket=ticket, files=[png("kept.png")], actor=None)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        photos_add(ticket=ticket, files=[png("lost.png")], actor=None)
        raise Abort  # the caller's transaction fails after photos_add returned
    assert len(stored_files()) == 4  # the lost photo's two files are still on disk
    call_command("photos_sweep", "--older-than", "0")
    assert len(stored_files()) == 2
    assert default_storage.exists(kept.image.name) and default_storage.exists(kept.thumbnail.name)
