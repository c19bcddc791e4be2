"""Uploads are checked by their content: a script-bearing SVG or HTML page renamed .jpg, or a
program renamed .pdf, is refused with a Chinese message naming the file; real files pass."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch.models import Attachment, Reply
from hardening.uploads import SPREADSHEET_KINDS, UploadRefused, check_upload
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/me/')</script></body></html>"
EXE = b"MZ\x90\x00\x03" + b"\0" * 64
REPLY = "已到现场核实并完成修复，附现场照片，请审核"


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name, content, said", [
    ("现场.jpg", SVG, "网页或SVG"),
    ("现场.png", HTML, "网页或SVG"),
    ("通知.pdf", EXE, "Windows可执行程序"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "脚本"),
    ("照片.jpg", b"\xef\xbb\xbf  <svg><script>alert(1)</script></svg>", "网页或SVG"),
])
def test_script_and_programs_are_refused_whatever_the_name(name, content, said):
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload(name, content))
    assert name in str(refused.value) and said in str(refused.value) and "不能上传" in str(refused.value)


def test_a_file_whose_content_does_not_match_its_name_is_refused():
    with pytest.raises(UploadRefused, match="内容是PNG图片，与扩展名不符"):
        check_upload(upload("说明.pdf", PNG))
    with pytest.raises(UploadRefused, match="不是允许的类型"):
        check_upload(upload("数据.bin", bytes(range(256)) * 4))


def test_a_name_without_an_extension_takes_the_kind_its_content_is():
    assert check_upload(upload("IMG_0042", JPEG)) == "jpeg"
    assert check_upload(upload("情况说明", "楼道灯已修好".encode())) == "text"
    with pytest.raises(UploadRefused, match="出于安全原因不能上传"):
        check_upload(upload("page", b"<html><script>alert(1)</script></html>"))


@pytest.mark.parametrize("name, content, kind", [
    ("现场.jpg", JPEG, "jpeg"), ("现场.PNG", PNG, "png"), ("说明.pdf", b"%PDF-1.7\n", "pdf"),
    ("记录.txt", "已处理，见附件".encode("gb18030"), "text"), ("录音.amr", b"#!AMR\n" + b"\0" * 32, "amr"),
    ("表.xlsx", workbook(), "xlsx"),
])
def test_real_files_pass_and_say_what_they_are(name, content, kind):
    assert check_upload(upload(name, content)) == kind


def test_a_knowledge_import_must_be_a_workbook_or_text():
    assert check_upload(upload("知识点.csv", "标题,答案\n公积金,可以提取\n".encode()), allowed=SPREADSHEET_KINDS)
    with pytest.raises(UploadRefused, match="不是允许的类型"):
        check_upload(upload("知识点.xlsx", PNG), allowed=SPREADSHEET_KINDS)


@pytest.mark.django_db
def test_a_reply_with_an_svg_renamed_jpg_is_refused_and_nothing_is_saved(api, people):
    ticket = f.in_progress(people)
    answer = api(people["staff_a"]).post(f"/api/tickets/{ticket.pk}/reply/",
                                         {"text": REPLY, "files": [upload("现场照片.jpg", SVG)]}, format="multipart")
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_file"
    message = answer.json()["error"]["message"]
    assert "现场照片.jpg" in message and "不能上传" in message
    assert not Reply.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_attachments_download_as_files_of_the_checked_type(api, client, people):
    ticket = f.in_progress(people)
    answer = api(people["staff_a"]).post(f"/api/tickets/{ticket.pk}/reply/",
                                         {"text": REPLY, "confirm_absent_co_units": "true",
                                          "files": [upload("现场照片.png", PNG, "text/html")]},
                                         format="multipart")
    assert answer.status_code in (200, 201), answer.content
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"  # what the content is, not what the browser claimed
    client.force_login(people["supervisor"])
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    # An older row whose claimed type was HTML is served as bytes, never as a page.
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download["Content-Type"] == "application/octet-stream"


@pytest.mark.django_db
def test_the_knowledge_import_page_refuses_a_page_renamed_csv(supervisor, client):
    client.force_login(supervisor)
    page = client.post("/knowledge/import/", {"file": upload("知识点.csv", HTML, "text/csv")})
    assert page.status_code == 200 and "知识点.csv" in page.content.decode() and "不能上传" in page.content.decode()
