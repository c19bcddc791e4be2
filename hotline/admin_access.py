"""Who uses the Django admin site, and which of its pages (三员分立, docs/SECURITY-duties.md).

Access goes by role, not by Django's per-model permission rows (nobody maintains those): the
site lets in ADMIN_SITE_ROLES and the bootstrap superuser; each ModelAdmin names the roles that
open it (`RoleAdmin.view_roles`, `edit_roles`) and whether the superuser may (`bootstrap`). The
superuser may use the account pages only: it exists to create the three administrators.
"""
from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .permissions import ADMIN_SITE_ROLES

# The roles of each kind of page, named once (every app's admin.py uses these).
CONFIGURATION = (Role.SYSADMIN,)  # settings, templates, policies, the unit tree, categories
BUSINESS_RECORDS = (Role.ADMIN,)  # the centre's tickets, citizens, messages, calls: read by 中心管理员


class HotlineAdminSite(admin.AdminSite):
    site_header = _("12345 政务服务便民热线 管理后台")
    site_title = _("12345 热线管理")
    index_title = _("管理后台")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated
                    and (user.is_superuser or user.has_role(*ADMIN_SITE_ROLES)))

    def admin_view(self, view, cacheable=False):
        """A signed-in person whose role has no business here gets the site's 403 page (with a
        way home), not the admin's login form inviting another account."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if (request.user.is_authenticated and not self.has_permission(request)
                    and request.path != reverse("admin:logout", current_app=self.name)):
                return render(request, "errors/403.html", {"home": "/"}, status=403)  # / leads to their home
            return inner(request, *args, **kwargs)

        for name in ("csrf_exempt", "__wrapped__"):
            if hasattr(inner, name):
                setattr(guarded, name, getattr(inner, name))
        return guarded

    def each_context(self, request):
        context = super().each_context(request)
        # Visible on every page: a superuser session is a bootstrap session.
        context["bootstrap_session"] = bool(request.user.is_authenticated and request.user.is_superuser)
        return context


def may(user, roles: tuple, *, bootstrap: bool = False) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return bootstrap
    return user.has_role(*roles)


class RoleAdmin(admin.ModelAdmin):
    """A ModelAdmin opened by role. `view_roles` read it, `edit_roles` (default: the same) add,
    change and delete; a subclass that refuses a kind of write (has_add_permission → False)
    keeps refusing it."""

    view_roles: tuple = ()
    edit_roles: tuple | None = None
    bootstrap = False  # the superuser may use it (the account pages only)

    def _edit_roles(self) -> tuple:
        return self.view_roles if self.edit_roles is None else self.edit_roles

    def has_module_permission(self, request) -> bool:
        return may(request.user, self.view_roles, bootstrap=self.bootstrap)

    def has_view_permission(self, request, obj=None) -> bool:
        return may(request.user, self.view_roles, bootstrap=self.bootstrap)

    def has_add_permission(self, request) -> bool:
        return may(request.user, self._edit_roles(), bootstrap=self.bootstrap)

    def has_change_permission(self, request, obj=None) -> bool:
        return may(request.user, self._edit_roles(), bootstrap=self.bootstrap)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may(request.user, self._edit_roles(), bootstrap=self.bootstrap)


class RoleInline:
    """An inline follows its page's roles (its own model's permission rows are never granted)."""

    def has_view_permission(self, request, obj=None) -> bool:
        return True  # shown only on a page its parent's RoleAdmin already let the user open


class ReadOnlyAdmin(RoleAdmin):
    """Records that change only through the workflow: read by the centre's administrator."""

    view_roles = BUSINESS_RECORDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
