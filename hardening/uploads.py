"""Uploads checked by what they contain, not by what they are called.

One checker for every upload (reply attachments through the pages and the API, knowledge
imports, knowledge attachments): the first bytes say what a file is (its magic number); the
file must be one of the kinds the caller allows and its name's extension must be one of that
kind's. Whatever a browser could run — HTML, SVG, XML with script, executables, shell scripts —
is refused whatever it is named, with a message in Chinese that names the file."""
import zipfile
from dataclasses import dataclass

HEAD_BYTES = 2048


class UploadRefused(ValueError):
    """A file that is not what it may be; str() is the message for the user."""


@dataclass(frozen=True)
class Kind:
    label: str  # what the user is told
    extensions: tuple[str, ...]


KINDS = {
    "jpeg": Kind("JPEG图片", (".jpg", ".jpeg", ".jpe", ".jfif")),
    "png": Kind("PNG图片", (".png",)),
    "gif": Kind("GIF图片", (".gif",)),
    "webp": Kind("WebP图片", (".webp",)),
    "bmp": Kind("BMP图片", (".bmp",)),
    "pdf": Kind("PDF文档", (".pdf",)),
    "docx": Kind("Word文档", (".docx",)),
    "xlsx": Kind("Excel表格", (".xlsx",)),
    "pptx": Kind("PowerPoint文档", (".pptx",)),
    "ole": Kind("Office 97-2003文档", (".doc", ".xls", ".ppt", ".wps", ".et")),
    "ofd": Kind("OFD版式文档", (".ofd",)),
    "mp3": Kind("MP3音频", (".mp3",)),
    "wav": Kind("WAV音频", (".wav",)),
    "amr": Kind("AMR录音", (".amr",)),
    "mp4": Kind("MP4/M4A音视频", (".mp4", ".m4a", ".mov")),
    "text": Kind("文本", (".txt", ".csv", ".log")),
}

# What a unit may attach to a reply (photos of the site, documents, recordings).
ATTACHMENT_KINDS = frozenset(KINDS)
SPREADSHEET_KINDS = frozenset({"xlsx", "text"})  # knowledge imports: .xlsx or .csv

# Content a browser or an operating system would run: refused whatever the name says.
DANGEROUS_PREFIXES = {
    b"MZ": "Windows可执行程序", b"\x7fELF": "Linux可执行程序", b"\xca\xfe\xba\xbe": "可执行程序",
    b"\xcf\xfa\xed\xfe": "macOS可执行程序", b"\xce\xfa\xed\xfe": "macOS可执行程序",
}
DANGEROUS_MARKUP = (b"<script", b"<svg", b"<html", b"<!doctype", b"<?xml", b"<iframe", b"<object", b"<embed",
                    b"<body", b"<head", b"<?php", b"<xsl")


def _zip_kind(f) -> str | None:
    """OOXML files are zip archives: their members say which."""
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        f.seek(0)
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in names):
                return kind
    if "OFD.xml" in names:
        return "ofd"
    return None


def _text_kind(head: bytes) -> str | None:
    if b"\0" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            # A cut multi-byte character at the end of the sample is still text.
            if error.start < len(head) - 4:
                continue
        return "text"
    return None


def sniff(f) -> str | None:
    """The kind the file's first bytes say it is, or None."""
    f.seek(0)
    head = f.read(HEAD_BYTES)
    f.seek(0)
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"BM") and len(head) > 14:
        return "bmp"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(f)
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "mp4"
    return _text_kind(head)


def _danger(f) -> str | None:
    f.seek(0)
    head = f.read(HEAD_BYTES)
    f.seek(0)
    for prefix, label in DANGEROUS_PREFIXES.items():
        if head.startswith(prefix):
            return label
    if head.startswith(b"#!") and not head.startswith(b"#!AMR"):  # AMR recordings start "#!AMR"
        return "脚本"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in lowered for marker in DANGEROUS_MARKUP):
        return "网页或SVG等可执行脚本的内容"
    return None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _allowed_list(allowed) -> str:
    return "、".join(dict.fromkeys(ext for kind in sorted(allowed) for ext in KINDS[kind].extensions))


def check_upload(f, *, allowed=ATTACHMENT_KINDS) -> str:
    """The file's kind; UploadRefused (a Chinese message naming the file) when its content is
    dangerous, is none of the allowed kinds, or does not match its name's extension."""
    name = getattr(f, "name", "") or "附件"
    danger = _danger(f)
    if danger:
        raise UploadRefused(f"文件「{name}」的内容是{danger}，出于安全原因不能上传")
    kind = sniff(f)
    if kind is None or kind not in allowed:
        raise UploadRefused(f"文件「{name}」的内容不是允许的类型（允许：{_allowed_list(allowed)}）")
    # A name without an extension (some phones and clients send one) takes the kind its content
    # is; a name with one must agree with the content (a page renamed photo.jpg is refused above).
    if _extension(name) and _extension(name) not in KINDS[kind].extensions:
        raise UploadRefused(f"文件「{name}」的内容是{KINDS[kind].label}，与扩展名不符，请改正文件名后重新上传")
    return kind


def safe_content_type(kind: str) -> str:
    """The type a download of this kind is served as (never text/html, whatever was claimed)."""
    return {
        "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp", "bmp": "image/bmp",
        "pdf": "application/pdf", "mp3": "audio/mpeg", "wav": "audio/wav", "amr": "audio/amr", "mp4": "video/mp4",
        "text": "text/plain; charset=utf-8",
    }.get(kind, "application/octet-stream")
