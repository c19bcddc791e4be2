"""Partner keys and service definitions in the admin. A key is made by partner_key_create: the
page shows it once, after saving; only its hash is kept. Disabling is an action (audited)."""
from django import forms
from django.contrib import admin, messages

from hotline.admin_access import BUSINESS_RECORDS, CONFIGURATION, RoleAdmin, RoleInline
from hotline.errors import HotlineError

from .models import PartnerKey, PartnerKeyUsage, ServiceAttribute, ServiceAttributeValue
from .services import partner_key_create, partner_key_disable, partner_key_update

KEY_PAGE_ROLES = CONFIGURATION + BUSINESS_RECORDS


class UsageInline(RoleInline, admin.TabularInline):
    model = PartnerKeyUsage
    fields = ("day", "requests", "filed")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


class PartnerKeyForm(forms.ModelForm):
    class Meta:
        model = PartnerKey
        fields = ("name", "services", "per_minute", "per_hour")


@admin.register(PartnerKey)
class PartnerKeyAdmin(RoleAdmin):
    view_roles = KEY_PAGE_ROLES
    form = PartnerKeyForm
    list_display = ("name", "key_prefix", "is_enabled", "per_minute", "per_hour", "requests_total",
                    "filed_total", "last_used_at", "created_at")
    list_filter = ("is_enabled",)
    search_fields = ("name",)
    filter_horizontal = ("services",)
    readonly_fields = ("key_prefix", "user", "is_enabled", "requests_total", "filed_total", "created_at",
                       "created_by", "last_used_at", "disabled_at")
    inlines = [UsageInline]
    actions = ["disable"]

    def get_readonly_fields(self, request, obj=None):
        return ("name", *self.readonly_fields) if obj else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "services", "per_minute", "per_hour")
        return ("name", "key_prefix", "user", "is_enabled", "services", "per_minute", "per_hour",
                "requests_total", "filed_total", "created_at", "created_by", "last_used_at", "disabled_at")

    def has_delete_permission(self, request, obj=None):
        return False  # tickets point at the key's account: disable instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            partner_key_update(key=obj, actor=request.user, per_minute=data["per_minute"],
                               per_hour=data["per_hour"], services=list(data["services"]), request=request)
            return
        issued = partner_key_create(name=data["name"], actor=request.user, per_minute=data["per_minute"],
                                    per_hour=data["per_hour"], services=list(data["services"]), request=request)
        obj.pk = issued.key.pk
        self.message_user(request, f"合作方密钥（只显示这一次，请立即复制交给合作方）：api_key={issued.raw}",
                          messages.WARNING)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_related(self, request, form, formsets, change):
        # The services above set the allowed services (no form.save_m2m); the usage rows are read-only.
        for formset in formsets:
            formset.save()

    @admin.action(description="停用所选密钥")
    def disable(self, request, queryset):
        for key in queryset:
            try:
                partner_key_disable(key=key, actor=request.user, request=request)
            except HotlineError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
        self.message_user(request, f"已停用 {queryset.count()} 个密钥")


class ValueInline(RoleInline, admin.TabularInline):
    model = ServiceAttributeValue
    fields = ("key", "name", "order")
    extra = 1


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(RoleAdmin):
    """The extra questions of a service (GeoReport v2 service definition): configuration."""

    view_roles = KEY_PAGE_ROLES
    list_display = ("category", "code", "description", "datatype", "required", "order")
    list_filter = ("datatype", "required")
    search_fields = ("code", "description", "category__full_name")
    inlines = [ValueInline]
