"""The upkeep pages: a unit drafts through the form, the centre reviews in its queue, an import
with a bad row shows the report, the synonyms editor re-indexes; other units and roles are kept out."""
import io

import pytest
from django.test import Client

from knowledge.columns import HEADERS
from knowledge.models import KnowledgePoint, KnowledgeSynonym
from knowledge.selectors import point_search

pytestmark = pytest.mark.django_db
FORM = {"title": "燃气开户办理", "answer": "携带房产证和身份证到营业厅办理。", "questions": "燃气怎么开户",
        "audience": "public"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_unit_drafts_and_submits_the_centre_publishes_from_its_queue(staff_a, supervisor):
    unit = signed_in(staff_a)
    saved = unit.post("/knowledge/new/", FORM | {"submit": "1"})
    point = KnowledgePoint.objects.get()
    assert saved.status_code == 302 and point.state == "pending" and point.unit == staff_a.unit
    centre = signed_in(supervisor)
    queue = centre.get("/knowledge/review/").content.decode()
    assert "燃气开户办理" in queue and "新知识点" in queue
    centre.post(f"/knowledge/{point.pk}/publish/", {"next": "/knowledge/review/"})
    point.refresh_from_db()
    assert point.state == "published"
    page = unit.get(f"/knowledge/{point.pk}/").content.decode()
    assert "版本历史" in page and "published" in page and "值班长老刘" in page
    assert point_search(text="燃气开户")[0].point == point


def test_the_form_puts_errors_on_their_fields_and_saves_nothing(staff_a):
    page = signed_in(staff_a).post("/knowledge/new/", FORM | {"title": "", "source_url": "ftp://x"})
    assert page.status_code == 200 and "标题" in page.content.decode() and "errorlist" in page.content.decode()
    assert not KnowledgePoint.objects.exists()


def test_send_back_needs_a_note_and_shows_it(staff_a, supervisor):
    signed_in(staff_a).post("/knowledge/new/", FORM | {"submit": "1"})
    point = KnowledgePoint.objects.get()
    centre = signed_in(supervisor)
    centre.post(f"/knowledge/{point.pk}/send-back/", {"note": ""})
    point.refresh_from_db()
    assert point.state == "pending"
    centre.post(f"/knowledge/{point.pk}/send-back/", {"note": "请补充收费标准"})
    assert "请补充收费标准" in signed_in(staff_a).get(f"/knowledge/{point.pk}/").content.decode()


def test_other_units_and_roles_are_kept_out(staff_a, staff_b, operator, display_device, supervisor):
    signed_in(staff_a).post("/knowledge/new/", FORM)
    point = KnowledgePoint.objects.get()
    other = signed_in(staff_b)
    assert other.get(f"/knowledge/{point.pk}/").status_code == 404
    assert other.get(f"/knowledge/{point.pk}/edit/").status_code == 404
    assert other.post(f"/knowledge/{point.pk}/submit/").status_code == 404
    assert "燃气开户办理" not in other.get("/knowledge/").content.decode()
    assert signed_in(staff_a).post(f"/knowledge/{point.pk}/publish/").status_code == 403
    assert signed_in(staff_a).get("/knowledge/review/").status_code == 403
    assert signed_in(operator).post("/knowledge/new/", FORM).status_code == 403
    assert signed_in(display_device).get("/knowledge/").status_code == 403
    assert Client().get("/knowledge/").status_code == 302
    point.refresh_from_db()
    assert point.state == "draft"


def test_an_import_with_a_bad_row_shows_the_report_and_imports_nothing(supervisor):
    rows = [HEADERS, ["犬只登记", "", "到派出所办理。"] + [""] * 8 + ["公开"],
            ["", "", "没有标题"] + [""] * 9, ["燃气", "", "口径", "", "不存在的分类"] + [""] * 7]
    text = "\n".join(",".join(r) for r in rows)
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "points.csv"
    page = signed_in(supervisor).post("/knowledge/import/", {"file": upload, "publish": "on"})
    body = page.content.decode()
    assert page.status_code == 200 and "2 处错误" in body and "不存在的分类" in body and "<td>3</td>" in body
    assert not KnowledgePoint.objects.exists()


def test_template_and_exports_download(supervisor):
    centre = signed_in(supervisor)
    template = centre.get("/knowledge/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    assert centre.get("/knowledge/export.csv").content.decode("utf-8-sig").startswith(",".join(HEADERS))
    assert centre.get("/knowledge/export.pdf").status_code == 404


def test_the_synonyms_editor_reindexes(supervisor, publish_point):
    publish_point("医疗保险异地就医备案", "参保人员异地就医前应办理备案。")
    signed_in(supervisor).post("/knowledge/synonyms/", {"text": "医保 医疗保险\n单个"})
    assert list(KnowledgeSynonym.objects.values_list("words", flat=True)) == ["医保 医疗保险"]
    assert point_search(text="医保备案")[0].point.title == "医疗保险异地就医备案"


def test_admin_lists_points_and_publishes_through_the_service(staff_a, supervisor):
    supervisor.role = "admin"  # 中心管理员: the centre's knowledge work in the admin site
    supervisor.save()
    signed_in(staff_a).post("/knowledge/new/", FORM | {"submit": "1"})
    point = KnowledgePoint.objects.get()
    admin = signed_in(supervisor)
    assert "燃气开户办理" in admin.get("/admin/knowledge/knowledgepoint/").content.decode()
    admin.post("/admin/knowledge/knowledgepoint/", {"action": "publish", "_selected_action": [point.pk]})
    point.refresh_from_db()
    assert point.state == "published" and point.versions.filter(action="published").exists()
    admin.post("/admin/knowledge/knowledgesynonym/add/", {"words": "燃气 天然气"})
    assert KnowledgeSynonym.objects.get().words == "燃气 天然气"
