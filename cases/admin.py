from django.contrib import admin, messages

from hotline.admin_access import BUSINESS_RECORDS, RoleAdmin
from hotline.errors import HotlineError

from . import services
from .models import PublishedCase


@admin.register(PublishedCase)
class PublishedCaseAdmin(RoleAdmin):
    """A list of what the portal shows. Texts are edited on the ticket's review page (/tickets/<id>/case/),
    where they pass the privacy scrub; here they are read only."""

    view_roles = BUSINESS_RECORDS
    list_display = ("title", "ticket", "state", "unit_name", "closed_at", "published_at", "published_by")
    list_filter = ("state", "ticket_type", "category")
    search_fields = ("title", "summary", "ticket__number")
    date_hierarchy = "closed_at"
    actions = ["withdraw"]
    readonly_fields = [f.name for f in PublishedCase._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description="撤回所选公开案例")
    def withdraw(self, request, queryset):
        done = 0
        for case in queryset.filter(state=PublishedCase.State.PUBLISHED).select_related("ticket"):
            try:
                services.case_withdraw(ticket=case.ticket, actor=request.user, reason="管理后台撤回")
            except HotlineError as exc:
                self.message_user(request, f"{case.ticket.number}：{exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"已撤回 {done} 个案例")
