from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Category, Citizen, IdentityRead, Ticket, TicketEvent, Unit, User

admin.site.site_header = _("12345 政务服务便民热线 管理后台")
admin.site.site_title = _("12345 热线管理")
admin.site.index_title = _("系统配置")


class StaffInline(admin.TabularInline):
    model = User
    fields = ("username", "display_name", "phone", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("工作人员")
    verbose_name_plural = _("工作人员（在“用户”中添加）")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "code", "kind", "head_name", "head_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "keywords", "head_name")
    autocomplete_fields = ("parent",)
    fields = ("name", "code", "kind", "parent", "head_name", "head_phone", "keywords", "is_active")
    inlines = (StaffInline,)

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, unit: Unit) -> str:
        return "\u3000" * (unit.path.count("/") - 2) + unit.name


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "unit", "phone", "is_active")
    list_filter = ("role", "is_active", "unit")
    list_select_related = ("unit",)
    search_fields = ("username", "display_name", "phone")
    autocomplete_fields = ("unit",)
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("热线角色"), {"fields": ("role", "unit", "phone", "display_name", "extension")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("热线角色"), {"fields": ("role", "unit", "phone", "display_name"),
                     "description": _("承办单位的工作人员须选择所属单位；显示屏账号用令牌登录。")}),
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("full_name", "level", "default_unit", "synonyms", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("full_name", "synonyms", "examples")
    autocomplete_fields = ("parent", "default_unit")
    fieldsets = (
        (None, {"fields": ("name", "parent", "level", "full_name", "default_unit", "is_active")}),
        (_("话务台检索"), {"fields": ("synonyms", "examples"),
                      "description": _("话务员登记工单、值班长派单时搜索分类，除分类名称外也按这里的词和"
                                       "典型诉求查找（如搜“路灯”找到“城市公共设施”）。")}),
    )


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    # The phone is encrypted (hotline.pii): found by the whole number only, shown masked in the list.
    list_display = ("masked_phone", "name", "sms_opt_out", "created_at")
    search_fields = ("=phone", "name")
    exclude = ("id_number",)

    @admin.display(description=_("电话"))
    def masked_phone(self, obj):
        from .privacy import mask_phone

        return mask_phone(obj.phone)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """Tickets change only through the workflow services, never by hand in the admin."""

    list_display = ("number", "title", "ticket_type", "state", "lead_unit", "due_at", "created_at")
    list_filter = ("state", "ticket_type", "channel", "urgency", "is_confidential")
    search_fields = ("number", "title")
    show_full_result_count = False


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    """The append-only log: read, never written here."""

    list_display = ("ticket", "kind", "actor_label", "from_state", "to_state", "created_at")
    list_select_related = ("ticket",)
    list_filter = ("kind",)
    search_fields = ("ticket__number",)
    raw_id_fields = ("ticket",)
    show_full_result_count = False


# issue 16 item 8: who of the centre read a confidential ticket's caller whole (append-only)
@admin.register(IdentityRead)
class IdentityReadAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user_label", "ticket", "surface")
    list_select_related = ("ticket",)
    list_filter = ("surface", "created_at")
    search_fields = ("ticket__number", "user_label", "user__username")
    raw_id_fields = ("ticket", "user")
    show_full_result_count = False
