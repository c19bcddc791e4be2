from django.contrib import admin

from hotline.admin_access import BUSINESS_RECORDS, ReadOnlyAdmin, RoleAdmin

from .models import Bulletin, BulletinTemplate


@admin.register(BulletinTemplate)
class BulletinTemplateAdmin(RoleAdmin):
    """The centre (中心管理员) edits what each daily, weekly and monthly bulletin says and who is told."""

    view_roles = BUSINESS_RECORDS
    list_display = ("title", "kind", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("recipients",)


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    """Made by the schedule or the /bulletins/ page's 生成 (services.bulletin_generate); read here."""

    list_display = ("title", "kind", "period_start", "period_end", "generated_at", "revision")
    list_filter = ("kind",)
