"""Appeals in the admin: records that change only through the services, read by 中心管理员."""
from django.contrib import admin

from hotline.admin_access import ReadOnlyAdmin

from .models import Appeal


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "unit", "state", "created_at", "ruling_due_at", "decided_by", "decided_at")
    list_filter = ("state", "kind")
    raw_id_fields = ("ticket", "survey")
    date_hierarchy = "created_at"
