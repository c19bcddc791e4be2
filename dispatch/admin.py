from django.contrib import admin

from hotline.admin import ReadOnlyAdmin

from .models import (
    ApprovalPolicy,
    Assignment,
    CalendarOverride,
    ExtensionRequest,
    SupervisionNotice,
    Survey,
    TimeLimitPolicy,
)


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "ticket_type", "category", "urgency", "limit_unit", "handle_limit",
                    "sign_limit", "callback_limit_days", "warn_share")
    list_filter = ("ticket_type", "urgency", "limit_unit")
    autocomplete_fields = ("category",)


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "ticket_type", "category", "urgency", "leader", "is_active")
    autocomplete_fields = ("category",)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_workday", "note")
    list_filter = ("is_workday",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "unit", "role", "state", "round", "is_current", "assigned_at")
    raw_id_fields = ("ticket",)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "extra_days", "state", "created_at", "decided_at")
    raw_id_fields = ("ticket",)


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "method", "state", "result", "created_at", "answered_at")
    raw_id_fields = ("ticket",)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    """督办通知书 are issued by the sweep or a supervisor's 督办, never edited by hand."""

    list_display = ("serial", "ticket_number", "unit_name", "days_overdue", "issued_by", "created_at")
    list_filter = ("issued_by",)
    search_fields = ("ticket_number", "unit_name")
