"""考核方案 in the admin: the centre's business policy, edited by 中心管理员 (ADMIN), every save
audited (AuditedAdmin, POLICY_CHANGED). A scheme a published month used is read-only: copy it."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdmin
from audit.changes import change_detail, field_values
from audit.models import AuditAction
from audit.services import audit_record
from hotline.admin_access import BUSINESS_RECORDS, RoleAdmin, RoleInline, may
from hotline.errors import HotlineError

from .models import PublishedMonth, Scheme, SchemeIndicator
from .months import label, month_of
from .scoring import Rule, validate
from .services import scheme_copy, scheme_in_use

IN_USE = "该方案已用于已发布的{month}考核结果，不能修改或删除；请用列表页的“复制为新版本”另建版本。"


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ("name", "valid_from", "note")

    def clean_valid_from(self):
        value = month_of(self.cleaned_data["valid_from"])
        newest = PublishedMonth.objects.order_by("-month").values_list("month", flat=True).first()
        if newest is not None and value <= newest:
            raise ValidationError(f"{label(newest)}及以前的考核结果已发布，新版本的起始月份须在其后")
        return value

    def clean(self):
        used = scheme_in_use(self.instance)
        if used is not None:
            raise ValidationError(IN_USE.format(month=label(used.month)))
        return super().clean()


class IndicatorFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        used = scheme_in_use(self.instance)
        if used is not None and self.has_changed():
            raise ValidationError(IN_USE.format(month=label(used.month)))


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = SchemeIndicator
        fields = ("code", "rule", "weight", "lower", "upper", "per_event", "cap")

    def clean(self):
        data = super().clean()
        if data.get("code") and data.get("rule") and data.get("weight") is not None:
            problem = validate(Rule(code=data["code"], rule=data["rule"], weight=float(data["weight"]),
                                    **{k: None if data.get(k) is None else float(data[k])
                                       for k in ("lower", "upper", "per_event", "cap")}))
            if problem:
                raise ValidationError(problem)
        return data


class IndicatorInline(RoleInline, admin.TabularInline):
    model = SchemeIndicator
    form = IndicatorForm
    formset = IndicatorFormSet
    extra = 0

    # Edited by the page's own editors (RoleInline only lets it be seen).
    def has_add_permission(self, request, obj=None):
        return may(request.user, BUSINESS_RECORDS)

    def has_change_permission(self, request, obj=None):
        return may(request.user, BUSINESS_RECORDS)

    def has_delete_permission(self, request, obj=None):
        return may(request.user, BUSINESS_RECORDS)


@admin.register(Scheme)
class SchemeAdmin(AuditedAdmin, RoleAdmin):
    view_roles = BUSINESS_RECORDS  # the centre's business policy: 中心管理员
    audit_action = AuditAction.POLICY_CHANGED
    form = SchemeForm
    inlines = [IndicatorInline]
    list_display = ("name", "valid_from", "indicator_count", "used_by")
    actions = ["copy_as_new_version"]
    fieldsets = ((None, {"fields": ("name", "valid_from", "note"), "description": _(
        "某月适用的方案为起始月份不晚于该月的最新版本。指标：线性计分的比率 ≥ 上限得满分、≤ 下限得 0 分"
        "（退单率、重办率、延期率越低越好，反之）；按件扣分 = 分值 − min(封顶, 每件分值 × 件数)；"
        "按件加分 = 分值 + min(封顶, 每件分值 × 件数)。已用于发布结果的方案不能修改。")}),)

    def save_formset(self, request, form, formset, change):
        """The indicators are the scheme's rules: their changes are audited as the scheme's."""
        if formset.model is not SchemeIndicator:
            return super().save_formset(request, form, formset, change)
        scheme = form.instance
        before = self._indicator_values(scheme)
        super().save_formset(request, form, formset, change)
        detail = change_detail(op="changed" if change else "created", before=before,
                               after=self._indicator_values(scheme))
        if detail["before"] or detail["after"]:
            audit_record(action=self.audit_action, request=request, target=scheme,
                         detail={**detail, "part": "indicators"})

    @staticmethod
    def _indicator_values(scheme) -> dict:
        return {row.code: str(field_values(row, skip=("scheme", "code")))
                for row in SchemeIndicator.objects.filter(scheme=scheme)} if scheme.pk else {}

    @admin.display(description=_("指标数"))
    def indicator_count(self, obj):
        return obj.indicators.count()

    @admin.display(description=_("已用于"))
    def used_by(self, obj):
        return "、".join(label(m) for m in obj.published_months.values_list("month", flat=True)) or "—"

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or scheme_in_use(obj) is None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        used = scheme_in_use(obj) if obj is not None else None
        if used is not None and request.method == "GET":
            messages.warning(request, IN_USE.format(month=label(used.month)))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("复制为新版本"))
    def copy_as_new_version(self, request, queryset):
        for scheme in queryset.order_by("-valid_from")[:1]:
            try:
                copy = scheme_copy(scheme=scheme, actor=request.user, request=request)
            except HotlineError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            self.message_user(request, f"已复制为“{copy}”，请修改后保存", messages.SUCCESS)
