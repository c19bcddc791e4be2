"""The ticket-list export (工单明细, issue 18 item 4): streamed xlsx/csv, masked, recorded."""
from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "工单明细导出"
