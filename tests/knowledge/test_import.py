"""Import: a bad row names its row, column and problem, and nothing of the file goes in; export and
the template carry the same columns."""
import csv
import io

from openpyxl import Workbook, load_workbook

from hotline.models import Category
from knowledge.columns import HEADERS
from knowledge.models import KnowledgePoint
from knowledge.selectors import point_search
from knowledge.services.imports import export_csv, export_xlsx, points_import
from knowledge.services.points import PointFields, point_create


def leaf() -> Category:
    return Category.objects.filter(level=3).order_by("full_name").first()


def row(**values):
    base = {"标题": "犬只登记办理", "常见问法": "养狗要登记吗；狗证怎么办",
            "答复口径": "到县公安局治安大队办理犬只登记。",
            "分类": leaf().full_name, "责任单位": "", "失效日期": "", "公开范围": "公开"}
    base.update(values)
    return [base.get(header, "") for header in HEADERS]


def as_csv(*rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_file_is_imported_and_published_by_the_centre(supervisor, unit_a):
    content = as_xlsx(row(), row(标题="燃气报装", 答复口径="携带房产证到营业厅办理。", 责任单位=unit_a.name,
                                 公开范围="内部", 失效日期="2030-12-31"))
    result = points_import(actor=supervisor, name="points.xlsx", content=content, publish=True)
    assert (result.ok, result.created) == (True, 2)
    dog = KnowledgePoint.objects.get(title="犬只登记办理")
    assert (dog.state, dog.audience, dog.category, dog.questions) == (
        "published", "public", leaf(), "养狗要登记吗\n狗证怎么办")
    assert point_search(text="狗证怎么办")[0].point == dog
    again = points_import(actor=supervisor, name="points.xlsx", content=content, publish=True)
    assert (again.created, again.updated, KnowledgePoint.objects.count()) == (0, 2, 2)


def test_bad_rows_are_reported_and_nothing_is_imported(supervisor):
    content = as_csv(row(), row(分类="不存在的分类"), row(标题=""), row(失效日期="2026-13-40"),
                     row(公开范围="大家"), row(责任单位="火星局"))
    result = points_import(actor=supervisor, name="points.csv", content=content, publish=True)
    problems = [(e.row, e.column) for e in result.errors]
    assert problems == [(3, "分类"), (4, "标题"), (5, "失效日期"), (6, "公开范围"), (7, "责任单位")]
    assert "不存在的分类" in result.errors[0].message and "YYYY-MM-DD" in result.errors[2].message
    assert not KnowledgePoint.objects.exists()


def test_an_import_does_not_touch_points_already_there_when_it_fails(supervisor):
    kept = point_create(actor=supervisor, fields=PointFields(title="犬只登记办理", answer="旧口径"))
    result = points_import(actor=supervisor, name="p.csv", content=as_csv(row(答复口径="新口径"), row(标题="")),
                           publish=True)
    assert not result.ok
    kept.refresh_from_db()
    assert kept.answer == "旧口径" and kept.version == 1


def test_a_unit_imports_drafts_of_its_own_only(staff_a, unit_b):
    result = points_import(actor=staff_a, name="p.csv", content=as_csv(row(责任单位=unit_b.name)), publish=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "责任单位")]
    result = points_import(actor=staff_a, name="p.csv", content=as_csv(row()), publish=True)
    point = KnowledgePoint.objects.get()
    assert result.ok and (point.state, point.unit) == ("draft", staff_a.unit)


def test_wrong_files_say_so(supervisor):
    for name, content, words in [("p.txt", b"x", "xlsx"), ("p.xlsx", b"not a workbook", "无法读取"),
                                 ("p.csv", "标题,别的\n".encode(), "缺少列"), ("p.csv", b"\xff\xfe\x00", "UTF-8")]:
        result = points_import(actor=supervisor, name=name, content=content)
        assert words in result.errors[0].message


def test_export_reimports_as_the_same_points(supervisor):
    points_import(actor=supervisor, name="p.csv", content=as_csv(row(), row(标题="燃气报装")), publish=True)
    points = KnowledgePoint.objects.select_related("category", "unit").order_by("id")
    exported = export_csv(points)
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert rows[0] == HEADERS and rows[1][0] == "犬只登记办理" and rows[1][-1] == "公开"
    again = points_import(actor=supervisor, name="p.csv", content=exported, publish=True)
    assert (again.ok, again.created, again.updated) == (True, 0, 2)
    book = load_workbook(io.BytesIO(export_xlsx(points)))
    assert [c.value for c in book["知识点"][1]] == HEADERS and book["知识点"].max_row == 3


def test_the_template_explains_every_column():
    book = load_workbook(io.BytesIO(export_xlsx([], template=True)))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    explained = [r[0].value for r in book["填写说明"].iter_rows(min_row=2)]
    assert explained[:len(HEADERS)] == HEADERS
