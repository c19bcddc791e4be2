"""Thin admin: lists and read-only details; every write goes through the services (the admin's
own change form would skip the review, the version history and the index)."""
from django.contrib import admin, messages

from hotline.admin_access import BUSINESS_RECORDS, ReadOnlyAdmin, RoleAdmin, RoleInline
from hotline.errors import HotlineError

from .models import KnowledgePoint, KnowledgePointVersion, KnowledgeSynonym, KnowledgeUse
from .services import points as services
from .services.synonyms import synonym_delete, synonym_save


class VersionInline(RoleInline, admin.TabularInline):
    model = KnowledgePointVersion
    fields = ("version", "action", "state", "note", "changed_by", "changed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-version",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(KnowledgePoint)
class KnowledgePointAdmin(ReadOnlyAdmin):
    """Points are written on /knowledge/ (form, review, import); here: find them, publish or withdraw."""

    list_display = ("title", "state", "audience", "unit", "category", "valid_to", "version", "updated_at")
    list_filter = ("state", "audience", "unit")
    search_fields = ("title", "questions")
    inlines = [VersionInline]
    actions = ["publish", "withdraw"]

    def _each(self, request, queryset, service, done_label, **kwargs):
        done = 0
        for point in queryset:
            try:
                service(point=point, actor=request.user, **kwargs)
            except HotlineError as exc:
                self.message_user(request, f"{point.title}：{exc.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"已{done_label} {done} 个知识点")

    @admin.action(description="发布所选知识点（待审核的内容）")
    def publish(self, request, queryset):
        self._each(request, queryset, services.point_publish, "发布")

    @admin.action(description="撤回所选知识点")
    def withdraw(self, request, queryset):
        self._each(request, queryset, services.point_withdraw, "撤回", note="管理后台撤回")


@admin.register(KnowledgeSynonym)
class KnowledgeSynonymAdmin(RoleAdmin):
    """Saved through the service, so that the points holding the words are re-indexed (and the
    change audited there)."""

    view_roles = BUSINESS_RECORDS

    list_display = ("words", "updated_at")
    search_fields = ("words",)

    def save_model(self, request, obj, form, change):
        words = obj.words
        if change:
            obj.refresh_from_db(fields=["words"])  # the service compares the old words with the new
        try:
            saved = synonym_save(actor=request.user, words=words, synonym=obj if change else None)
        except HotlineError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        synonym_delete(actor=request.user, synonym=obj)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            synonym_delete(actor=request.user, synonym=synonym)


@admin.register(KnowledgeUse)
class KnowledgeUseAdmin(ReadOnlyAdmin):
    list_display = ("point", "kind", "ticket", "user", "created_at")
    list_filter = ("kind",)
