"""Import and export of points in the template's columns (knowledge/columns.py), xlsx or csv.

An import is all or nothing: every row is checked first, and when any row is bad nothing is
written and the report lists every problem (row number as Excel shows it, column, message), so
that the centre fixes the file and imports it again rather than hunting which half went in.
A row whose title matches a point of the same responsible unit updates that point (importing a
file twice does not duplicate it); any other row creates one. The centre's import may publish
at once (publish=True: the centre is the reviewer); a unit's import makes drafts of its own unit.
"""
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction

from hotline.errors import HotlineError, InvalidInput
from hotline.models import Category, Unit

from ..columns import COLUMNS, HEADERS
from ..models import KnowledgePoint
from .points import (
    PointFields,
    is_centre,
    own_unit,
    point_create,
    point_publish,
    point_submit,
    point_update,
    require_writer,
)
from .points import checked as check_fields

FIELD_HEADER = {name: header for header, name, _ in COLUMNS}
AUDIENCES = {"公开": "public", "public": "public", "内部": "internal", "internal": "internal", "": "internal"}
MAX_ROWS = 5000


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(*, name: str, content: bytes) -> list[tuple[int, dict]]:
    """(row number, {header: text}) of every non-empty row under the header row."""
    if name.lower().endswith(".xlsx"):
        table = _xlsx_table(content)
    elif name.lower().endswith(".csv"):
        text = content.decode("utf-8-sig", errors="strict") if content else ""
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise InvalidInput("只支持 .xlsx 或 .csv 文件", field="file")
    if not table:
        raise InvalidInput("文件是空的", field="file")
    header = [str(cell or "").strip() for cell in table[0]]
    missing = [h for h in ("标题", "答复口径") if h not in header]
    if missing:
        raise InvalidInput(f"缺少列：{'、'.join(missing)}（请用下载的模板）", field="file")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {h: _text(cells[i]) if i < len(cells) else "" for i, h in enumerate(header) if h}
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"一次最多导入{MAX_ROWS}行", field="file")
    return rows


def _xlsx_table(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise InvalidInput("无法读取该 Excel 文件", field="file") from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class Lookups:
    """Categories and units by the names a file uses, read once per import."""

    def __init__(self):
        self.categories = {c.full_name: c for c in Category.objects.filter(is_active=True)}
        leaves: dict[str, list] = {}
        for category in self.categories.values():
            leaves.setdefault(category.name, []).append(category)
        self.by_leaf = {name: found[0] for name, found in leaves.items() if len(found) == 1}
        self.units = {}
        for unit in Unit.objects.all():
            self.units[unit.name] = unit
            if unit.code:
                self.units[unit.code] = unit

    def category(self, text: str) -> Category | None:
        text = "/".join(part.strip() for part in text.replace("／", "/").split("/"))
        return self.categories.get(text) or self.by_leaf.get(text)


def _date(text: str, column: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-").split(" ")[0])
    except ValueError:
        raise InvalidInput(f"日期「{text}」无效，请写成 YYYY-MM-DD", field=column) from None


def row_fields(values: dict, lookups: Lookups) -> PointFields:
    """One row as a point's fields; the first problem raises InvalidInput naming its column."""
    def get(name):
        return values.get(FIELD_HEADER[name], "")

    category = None
    if get("category"):
        category = lookups.category(get("category"))
        if category is None:
            raise InvalidInput(f"分类「{get('category')}」不存在", field="category")
    unit = None
    if get("unit"):
        unit = lookups.units.get(get("unit"))
        if unit is None:
            raise InvalidInput(f"责任单位「{get('unit')}」不存在", field="unit")
    audience = AUDIENCES.get(get("audience").lower())
    if audience is None:
        raise InvalidInput(f"公开范围「{get('audience')}」无效，请填“公开”或“内部”", field="audience")
    return PointFields(
        title=get("title"), answer=get("answer"), questions=get("questions"), sms_answer=get("sms_answer"),
        category=category, unit=unit, source_title=get("source_title"), source_number=get("source_number"),
        source_url=get("source_url"), valid_from=_date(get("valid_from"), "valid_from"),
        valid_to=_date(get("valid_to"), "valid_to"), audience=audience)


def _column(field_name: str | None) -> str:
    return FIELD_HEADER.get(field_name or "", field_name or "")


def points_import(*, actor, name: str, content: bytes, publish: bool = False) -> ImportResult:
    """Check every row; when all are good write them in one transaction (see the module's docstring)."""
    require_writer(actor)
    result = ImportResult()
    try:
        rows = read_rows(name=name, content=content)
    except (InvalidInput, UnicodeDecodeError) as exc:
        message = exc.message if isinstance(exc, InvalidInput) else "文件不是 UTF-8 编码的 CSV"
        result.errors.append(RowError(row=1, column="", message=message))
        return result
    lookups = Lookups()
    checked: list[tuple[int, PointFields]] = []
    seen: dict[tuple, int] = {}
    for number, values in rows:
        try:
            fields = row_fields(values, lookups)
            fields = check_fields(fields)
            fields.unit = own_unit(actor, fields.unit)
        except HotlineError as exc:
            result.errors.append(RowError(row=number, column=_column(exc.field), message=exc.message))
            continue
        key = (fields.title, fields.unit.pk if fields.unit else None)
        if key in seen:
            result.errors.append(RowError(row=number, column="标题", message=f"与第{seen[key]}行标题重复"))
            continue
        seen[key] = number
        checked.append((number, fields))
    if result.errors:
        return result
    publish = publish and is_centre(actor)
    with transaction.atomic():
        existing = {(p.title, p.unit_id): p for p in KnowledgePoint.objects.filter(
            title__in=[f.title for _, f in checked])}
        for _number, fields in checked:
            point = existing.get((fields.title, fields.unit.pk if fields.unit else None))
            if point is None:
                point = point_create(actor=actor, fields=fields, submit=publish)
                result.created += 1
            else:
                point = point_update(point=point, actor=actor, fields=fields, note="导入更新")
                result.updated += 1
                if publish and point.state == KnowledgePoint.State.DRAFT:
                    point = point_submit(point=point, actor=actor)
            if publish and point.state == KnowledgePoint.State.PENDING:
                point_publish(point=point, actor=actor)
    return result


def row_of(point: KnowledgePoint) -> list[str]:
    values = {
        "title": point.title, "questions": point.questions, "answer": point.answer,
        "sms_answer": point.sms_answer, "category": point.category.full_name if point.category_id else "",
        "unit": point.unit.name if point.unit_id else "", "source_title": point.source_title,
        "source_number": point.source_number, "source_url": point.source_url,
        "valid_from": point.valid_from.isoformat() if point.valid_from else "",
        "valid_to": point.valid_to.isoformat() if point.valid_to else "",
        "audience": "公开" if point.audience == KnowledgePoint.Audience.PUBLIC else "内部",
    }
    return [values[name] for _, name, _ in COLUMNS]


def export_csv(points) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for point in points:
        writer.writerow(row_of(point))
    return out.getvalue().encode("utf-8-sig")  # Excel opens a BOM'd CSV as UTF-8


def export_xlsx(points, *, template: bool = False) -> bytes:
    """The points (none: the template) in the import columns; a second sheet explains them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "知识点"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for point in points:
        sheet.append(row_of(point))
    for column, width in zip("ABCDEFGHIJKL", (28, 36, 60, 30, 36, 20, 24, 18, 30, 12, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    help_sheet = book.create_sheet("填写说明")
    help_sheet.append(["列", "说明"])
    for header, _name, note in COLUMNS:
        help_sheet.append([header, note])
    help_sheet.append(["", "整个文件无误才会导入；有错误时列出每行的问题，一行也不导入。"])
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 70
    for row in help_sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DATA = __import__("pathlib").Path(__file__).resolve().parent.parent / "data"


def demo_knowledge_load(*, actor) -> ImportResult:
    """The demo county's points and synonyms (knowledge/data/), through the same import: the
    synonyms first, so that the points are indexed with them. Published at once (the centre)."""
    from .synonyms import synonyms_replace

    synonyms_file = DATA / "synonyms.txt"
    if synonyms_file.exists():
        lines = [line for line in synonyms_file.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
        synonyms_replace(actor=actor, lines=lines)
    points_file = DATA / "demo_points.csv"
    if not points_file.exists():
        return ImportResult()
    return points_import(actor=actor, name=points_file.name, content=points_file.read_bytes(), publish=True)
