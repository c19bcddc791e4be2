from django.contrib import admin

from .models import CaseVote


@admin.register(CaseVote)
class CaseVoteAdmin(admin.ModelAdmin):
    list_display = ("ticket", "choice", "created_at")
    list_filter = ("choice",)
    search_fields = ("ticket__number",)
    raw_id_fields = ("ticket",)
    readonly_fields = ("ticket", "choice", "voter", "created_at")
