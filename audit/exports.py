"""The audit page's rows as CSV (streamed as it is read) or xlsx (openpyxl's write-only
workbook into a temporary file, then streamed): memory stays flat however many rows."""
import csv
import json
import tempfile
from collections.abc import Iterator

from django.utils import timezone

from .models import AuditEvent

COLUMNS = ["编号", "时间", "事件", "操作人", "角色", "对象类型", "对象", "对象名称", "来源地址", "客户端",
           "请求编号", "结果", "详情"]
CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row_values(event: AuditEvent) -> list:
    return [event.pk, timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"), event.get_action_display(),
            event.actor_label, event.actor_role_label, event.target_type, event.target_id, event.target_label,
            event.ip or "", event.user_agent, event.request_id, "成功" if event.succeeded else "失败",
            json.dumps(event.detail, ensure_ascii=False, sort_keys=True)]


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(events) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the BOM: Excel opens UTF-8 CSV as such
    for event in events.iterator(chunk_size=CHUNK):
        yield writer.writerow([_cell(v) for v in row_values(event)])


def _cell(value):
    # A cell starting = + - @ is a formula to Excel (CSV injection): quote it as text.
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def xlsx_file(events):
    """A temporary file (rewound) holding the workbook; closing it removes it."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计记录")
    ws.append(COLUMNS)
    for event in events.iterator(chunk_size=CHUNK):
        ws.append([_cell(v) for v in row_values(event)])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    wb.save(out)
    out.seek(0)
    return out
