"""The ticket core's admin pages, each by role (hotline.admin_access): the unit tree and
categories are configuration (系统管理员); accounts are split between the system administrator
(the account) and the security administrator (its role); tickets and citizens are the centre's
business records (中心管理员), never the administrators'."""
from contextvars import ContextVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from audit.admin_mixins import AuditedAdmin

from .admin_access import BUSINESS_RECORDS, CONFIGURATION, ReadOnlyAdmin, RoleAdmin, RoleInline
from .errors import HotlineError
from .models import Category, Citizen, IdentityRead, Role, Ticket, TicketEvent, Unit, User
from .services.accounts import account_password_reset, account_save, may_assign_roles, may_manage_account

__all__ = ["ReadOnlyAdmin"]  # other apps' admin modules import it from here

# Roles replace Django's groups and per-model permissions (nobody maintains those).
admin.site.unregister(Group)


class StaffInline(RoleInline, admin.TabularInline):
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
class UnitAdmin(AuditedAdmin, RoleAdmin):
    view_roles = (*CONFIGURATION, Role.SECADMIN)  # the security administrator picks a user's unit
    edit_roles = CONFIGURATION
    list_display = ("indented_name", "code", "kind", "head_name", "head_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "keywords", "head_name")
    autocomplete_fields = ("parent",)
    fields = ("name", "code", "kind", "parent", "head_name", "head_phone", "keywords", "is_active")
    inlines = (StaffInline,)

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, unit: Unit) -> str:
        return "\u3000" * (unit.path.count("/") - 2) + unit.name


# The request of the password page being answered: the form's save calls the service as its actor.
_password_request: ContextVar = ContextVar("password_request", default=None)


class PasswordResetForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        request = _password_request.get()
        password = self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password", True) else None
        try:
            return account_password_reset(actor=request.user, user=self.user, password=password, request=request)
        except HotlineError as error:
            raise PermissionDenied(error.message) from None


ACCOUNT = ("display_name", "phone", "extension", "email")
ROLE = ("role", "unit")


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin):
    """One list, three forms: the system administrator's (the account: names, contacts, active,
    password; no role), the security administrator's (role and unit, the superuser flag only to
    take it away) and the bootstrap superuser's (everything, to make the three administrators).
    Nobody deletes an account: deactivating keeps every record that names it."""

    view_roles = (Role.SYSADMIN, Role.SECADMIN)
    bootstrap = True
    change_password_form = PasswordResetForm
    list_display = ("username", "display_name", "role", "unit", "phone", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser", "unit")
    list_select_related = ("unit",)
    search_fields = ("username", "display_name", "phone")
    autocomplete_fields = ("unit",)
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("姓名与联系方式"), {"fields": ACCOUNT,
                        "description": _("新账号没有角色，由安全管理员分配角色和所属单位后才能办理业务。")}),
    )
    bootstrap_add_fieldsets = add_fieldsets[:1] + (
        (_("角色"), {"fields": (*ROLE, *ACCOUNT),
                   "description": _("超级用户仅用于初始化：创建系统管理员、安全管理员、审计管理员三个账号。")}),
    )

    def has_add_permission(self, request):
        return may_manage_account(request.user)

    def has_change_permission(self, request, obj=None):
        user = request.user
        if obj is None:
            return may_manage_account(user) or may_assign_roles(user)
        return may_manage_account(user, obj) or may_assign_roles(user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Form(form):
            def _update_errors(self, errors):
                # The model's rules name role and unit; a form without them (the system
                # administrator's) shows the message above the form instead of failing.
                if hasattr(errors, "error_dict") and any(
                        name not in self.fields and name != NON_FIELD_ERRORS for name in errors.error_dict):
                    errors = ValidationError(errors.messages)
                super()._update_errors(errors)

        return Form

    def get_fieldsets(self, request, obj=None):
        user = request.user
        if obj is None:
            return self.bootstrap_add_fieldsets if user.is_superuser else self.add_fieldsets
        sets = []
        if user.is_superuser or may_manage_account(user, obj):
            sets += [(None, {"fields": ("username", "password")}),
                     (_("姓名与联系方式"), {"fields": (*ACCOUNT, "is_active")})]
        else:
            sets += [(None, {"fields": ("username", "display_name")})]
        if may_assign_roles(user, obj):
            flags = ("is_superuser",) if obj.is_superuser else ()
            sets += [(_("角色与单位"), {"fields": (*ROLE, *flags),
                                   "description": _("承办单位的工作人员须选择所属单位。超级用户标志只能取消，"
                                                    "不能授予。")})]
        else:
            sets += [(_("角色与单位"), {"fields": ROLE})]
        sets += [(_("登录记录"), {"fields": ("last_login", "date_joined")})]
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        user = request.user
        readonly = ["last_login", "date_joined"]
        if not (user.is_superuser or may_manage_account(user, obj)):
            readonly += ["username", "display_name"]
        if not may_assign_roles(user, obj):
            readonly += list(ROLE)
        return readonly

    def save_model(self, request, obj, form, change):
        try:
            account_save(actor=request.user, user=obj, request=request)
        except HotlineError as error:
            raise PermissionDenied(error.message) from None

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not may_manage_account(request.user, user):
            raise PermissionDenied
        token = _password_request.set(request)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_request.reset(token)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, RoleAdmin):
    view_roles = CONFIGURATION
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
class CitizenAdmin(RoleAdmin):
    view_roles = BUSINESS_RECORDS
    # The phone is encrypted (hotline.pii): found by the whole number only, shown masked in the list.
    list_display = ("masked_phone", "name", "sms_opt_out", "created_at")
    search_fields = ("=phone", "name")
    exclude = ("id_number",)

    @admin.display(description=_("电话"))
    def masked_phone(self, obj):
        from .privacy import mask_phone

        return mask_phone(obj.phone)


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


# API tokens: the security administrator revokes them (deletes); nobody reads a key here.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(RoleAdmin, DrfTokenAdmin):
    view_roles = (Role.SECADMIN,)
    list_display = ("user", "created")
    fields = ("user", "created")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
