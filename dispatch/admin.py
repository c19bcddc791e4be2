"""Admin for the office's configuration: time limits, approval rules, the holiday calendar.
Handling records are read-only here: they change only through the workflow."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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

BLANK_MEANS_ANY = _("留空表示不限；同时匹配多条时，紧急程度 > 分类（越细越优先）> 诉求类型。")


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "ticket_type", "category", "urgency", "limit_unit", "handle_limit",
                    "sign_limit", "callback_limit_days", "warn_share")
    list_filter = ("ticket_type", "urgency", "limit_unit")
    search_fields = ("name", "category__full_name")
    autocomplete_fields = ("category",)
    fieldsets = (
        (_("适用范围"), {"fields": ("name", "ticket_type", "category", "urgency"), "description": BLANK_MEANS_ANY}),
        (_("时限"), {"fields": ("limit_unit", "sign_limit", "handle_limit", "callback_limit_days", "warn_share"),
                   "description": _("工作日按国家法定节假日和调休计算（见“节假日调整”）；紧急件一般按自然小时计。")}),
    )


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "ticket_type", "category", "urgency", "leader", "is_active")
    list_filter = ("is_active", "ticket_type", "urgency")
    list_editable = ("is_active",)
    autocomplete_fields = ("category",)
    fieldsets = ((None, {"fields": ("name", "ticket_type", "category", "urgency", "leader", "is_active"),
                         "description": _("符合条件的工单须先呈报领导批示再派单。") + BLANK_MEANS_ANY}),)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "day"
    search_fields = ("note",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "unit", "role", "state", "round", "is_current", "assigned_at")
    list_filter = ("role", "state", "is_current")
    list_select_related = ("ticket", "unit")
    raw_id_fields = ("ticket",)
    show_full_result_count = False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "extra_days", "state", "created_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "method", "state", "result", "created_at", "answered_at")
    list_filter = ("method", "state", "result")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)
    show_full_result_count = False


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    """督办通知书 are issued by the sweep or a supervisor's 督办, never edited by hand."""

    list_display = ("serial", "ticket_number", "unit_name", "days_overdue", "issued_by", "created_at")
    list_filter = ("issued_by",)
    search_fields = ("ticket_number", "unit_name")
