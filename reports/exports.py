"""xlsx and csv exports of report tables. Headers are Chinese; numbers stay numbers
(rates as fractions formatted 0.0% in xlsx, as percentages in csv); csv is UTF-8 with
a BOM so that Excel and WPS open Chinese text correctly."""
import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .kpis import COUNT_LABELS, KPIS, UNIT_COUNT_LABELS, UNIT_KPIS, score_definition

RATE_KEYS = {k.key for k in (*KPIS, *UNIT_KPIS)}


def columns(kind: str, first_label: str) -> list[tuple[str, str]]:
    """(key, Chinese header) pairs for a table kind."""
    counts = [(k, COUNT_LABELS[k]) for k in ("received", "dispatched", "closed", "due", "closed_on_time",
                                             "direct_answered", "valid_callbacks", "satisfied", "open_now",
                                             "suspensions", "suspended_now")]
    rates = [(k.key, k.label) for k in KPIS]
    if kind == "ranking":
        return [("rank", "名次"), ("label", "承办单位"), ("dispatched", "交办量"), ("closure_rate", "办结率"),
                ("on_time_rate", "按时办结率"), ("satisfaction_rate", "满意率"), ("callback_rate", "回访率"),
                ("score", "综合得分"), ("closed", "办结量"), ("due", "应办结量"), ("valid_callbacks", "有效回访"),
                *((k.key, k.label) for k in UNIT_KPIS), *UNIT_COUNT_LABELS.items(),
                ("suspensions", "挂起次数"), ("suspended_now", "挂起中"),
                ("reviewed", "办结审核量"), ("sent_back", "退回重办量"), ("sent_back_rate", "退回重办率")]
    return [("label", first_label), *counts, *rates]


def to_xlsx(title: str, cols, rows, notes: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([label for _, label in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(key) for key, _ in cols])
    for index, (key, label) in enumerate(cols, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(10, len(label) * 2 + 2) if key != "label" else 28
        if key in RATE_KEYS:
            for cell in ws[letter][1:]:
                cell.number_format = "0.0%"
    ws.freeze_panes = "A2"
    info = wb.create_sheet("说明")
    for line in [*notes, "", "指标口径：", *(f"{k.label} = {k.definition}" for k in (*KPIS, *UNIT_KPIS)),
                 score_definition()]:
        info.append([line])
    info.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(cols, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{label}(%)" if key in RATE_KEYS else label for key, label in cols])
    for row in rows:
        values = []
        for key, _ in cols:
            value = row.get(key)
            if key in RATE_KEYS and value is not None:
                value = round(value * 100, 2)
            values.append("" if value is None else value)
        writer.writerow(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
