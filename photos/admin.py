from django.contrib import admin

from hotline.admin_access import BUSINESS_RECORDS, RoleAdmin

from .models import Photo


@admin.register(Photo)
class PhotoAdmin(RoleAdmin):
    """A read-only list (which tickets have photos, which are public). Photos are added through the
    services and looked at on the ticket's page, where the viewer is checked and the view audited."""

    view_roles = BUSINESS_RECORDS
    list_display = ("__str__", "ticket", "content_type", "width", "height", "size", "uploaded_at", "public")
    list_filter = ("public", "content_type")
    search_fields = ("ticket__number",)
    date_hierarchy = "uploaded_at"
    readonly_fields = [f.name for f in Photo._meta.fields]
    list_select_related = ("ticket",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
