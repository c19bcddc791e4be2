"""Admin for the office's configuration: time limits, approval rules, the holiday calendar.
Handling records are read-only here: they change only through the workflow."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdmin
from audit.models import AuditAction
from hotline.admin import ReadOnlyAdmin
from hotline.admin_access import CONFIGURATION, RoleAdmin
from hotline.errors import InvalidInput, NotAllowed

from .models import (
    ApprovalPolicy,
    Assignment,
    CalendarOverride,
    ExtensionRequest,
    HolidayYear,
    ReplyReviewPolicy,
    SupervisionNotice,
    Survey,
    Suspension,
    TicketReturn,
    TimeLimitPolicy,
)

BLANK_MEANS_ANY = _("留空表示不限；同时匹配多条时，紧急程度 > 分类（越细越优先）> 诉求类型。")


class PolicyAdmin(AuditedAdmin, RoleAdmin):
    """The office's rules: configuration, the system administrator's; each change audited."""

    view_roles = CONFIGURATION
    audit_action = AuditAction.POLICY_CHANGED


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(PolicyAdmin):
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
class ApprovalPolicyAdmin(PolicyAdmin):
    list_display = ("name", "ticket_type", "category", "urgency", "leader", "is_active")
    list_filter = ("is_active", "ticket_type", "urgency")
    list_editable = ("is_active",)
    autocomplete_fields = ("category",)
    fieldsets = ((None, {"fields": ("name", "ticket_type", "category", "urgency", "leader", "is_active"),
                         "description": _("符合条件的工单须先呈报领导批示再派单。") + BLANK_MEANS_ANY}),)


@admin.register(ReplyReviewPolicy)
class ReplyReviewPolicyAdmin(PolicyAdmin):
    """办结审核 (issue 16 item 3): one row per ticket type; a type without a row is not reviewed."""

    list_display = ("ticket_type", "review_required")
    list_editable = ("review_required",)
    list_display_links = ("ticket_type",)
    fieldsets = ((None, {"fields": ("ticket_type", "review_required"),
                         "description": _("须审核的诉求类型：主办单位回复后先进入值班台“待审核”，值班长审核通过才回访、"
                                          "才把办理结果短信发给市民；退回重办的，承办单位重新办理并回复，办理时限不变。"
                                          "没有规则的诉求类型无需审核。修改即时生效。")}),)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin, RoleAdmin):
    view_roles = CONFIGURATION  # audited as a setting (SETTING_CHANGED)

    list_display = ("day", "is_workday", "note", "holiday_year")
    list_filter = ("is_workday", "holiday_year")
    date_hierarchy = "day"
    search_fields = ("note",)


class HolidayImportForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("依据"), max_length=120, required=False,
                             help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    text = forms.CharField(label=_("通知正文或日期清单"), widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
                           help_text=_("粘贴通知中“一、元旦：……”各条；"
                                       "或每行一个日期加“休”/“班”，如 2027-01-01 休 元旦"))


@admin.register(HolidayYear)
class HolidayYearAdmin(RoleAdmin):
    """A year's holidays come in only through the import (preview, then save), never typed row by row."""

    view_roles = CONFIGURATION

    list_display = ("year", "source", "days_off", "make_up_days", "imported_at", "imported_by")
    readonly_fields = list_display
    change_list_template = "admin/dispatch/holidayyear/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="dispatch_holidayyear_import"),
                *super().get_urls()]

    def import_view(self, request):
        from .holidays import parse_holidays
        from .services import holiday_year_import

        if not self.has_view_permission(request):
            raise PermissionDenied
        form = HolidayImportForm(request.POST or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if "save" in request.POST:
                    year = holiday_year_import(year=data["year"], text=data["text"], source=data["source"],
                                               actor=request.user, request=request)
                    self.message_user(request, f"已导入{year.year}年节假日安排：放假{year.days_off}天，"
                                               f"调休上班{year.make_up_days}天", messages.SUCCESS)
                    return redirect("admin:dispatch_holidayyear_changelist")
                preview = parse_holidays(data["text"], year=data["year"])
            except InvalidInput as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            except NotAllowed as error:  # staff without the admin role: the page says so
                form.add_error(None, str(error))
        return TemplateResponse(request, "admin/dispatch/holidayyear/import.html", {
            **self.admin_site.each_context(request), "title": "导入年度节假日安排", "form": form,
            "preview": preview, "opts": self.model._meta,
        })


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "unit", "role", "state", "round", "is_current", "assigned_at", "due_at")
    list_filter = ("role", "state", "is_current")
    list_select_related = ("ticket", "unit")
    raw_id_fields = ("ticket", "parent")  # parent: issue 16, a sub-unit's part (二级派单)
    show_full_result_count = False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "extra_days", "state", "created_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    """挂起 (issue 16, item 4): decided on the board and the ticket page, never edited here."""

    list_display = ("ticket", "reason_kind", "expected_days", "state", "created_at", "suspended_at", "resumed_at",
                    "resumed_how")
    list_filter = ("state", "reason_kind", "resumed_how")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)


@admin.register(TicketReturn)
class TicketReturnAdmin(ReadOnlyAdmin):
    """退单申请 and the centre's decisions (issue 16): decided on the board, never edited here."""

    list_display = ("ticket", "unit", "reason_code", "state", "created_at", "review_due_at", "decided_at")
    list_filter = ("state", "reason_code")
    list_select_related = ("ticket", "unit")
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
