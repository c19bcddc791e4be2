"""Photos on tickets (issue 19 item 4): checked by content, EXIF stripped, thumbnails."""
from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = "照片"
