from django.contrib import admin

from hotline.admin import ReadOnlyAdmin

from .models import Call


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    """Calls come from the CTI system; the record is evidence, not something to edit."""

    list_display = ("call_id", "caller", "extension", "operator", "state", "started_at", "called_back_at")
    list_filter = ("state",)
    search_fields = ("call_id", "caller")
    date_hierarchy = "started_at"
