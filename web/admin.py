from django.contrib import admin

from hotline.admin_access import BUSINESS_RECORDS, RoleAdmin

from .models import CaseVote


@admin.register(CaseVote)
class CaseVoteAdmin(RoleAdmin):
    view_roles = BUSINESS_RECORDS
    list_display = ("ticket", "choice", "created_at")
    list_filter = ("choice",)
    search_fields = ("ticket__number",)
    raw_id_fields = ("ticket",)
    readonly_fields = ("ticket", "choice", "voter", "created_at")
