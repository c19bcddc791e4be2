"""The one write of an export: its line in the audit trail (who, which list and filter, which
columns, how many rows), written when the last byte has been handed over, or when the
download stopped (`completed` False, the rows sent until then)."""
from django.http import HttpRequest

from audit.models import AuditAction, AuditEvent
from audit.services import audit_file


def export_record(*, request: HttpRequest, file_name: str, source: str, file_format: str,
                  columns: list[str], rows: int, completed: bool, sight: str) -> AuditEvent:
    return audit_file(
        action=AuditAction.EXPORTED, request=request, file_name=file_name, rows=rows,
        detail={"kind": "ticket_list", "source": source, "format": file_format, "columns": columns,
                "completed": completed, "personal_data": sight},
    )
