"""The admin's save and delete hooks write the audit trail: one mixin for every configuration,
template and policy page (each names its `audit_action`)."""
from django.db import transaction

from .changes import change_detail, field_values
from .models import AuditAction
from .services import audit_record


class AuditedAdmin:
    """Put before admin.ModelAdmin (or a subclass) in the bases. Every save from the change
    form, the add form or the list's editable columns, and every delete, writes one row with
    the changed fields before and after, in the save's transaction."""

    audit_action: str = AuditAction.SETTING_CHANGED
    audit_secret_fields: tuple[str, ...] = ()

    def _audit_values(self, obj) -> dict:
        return field_values(obj, secret=self.audit_secret_fields)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
            before = self._audit_values(stored) if stored is not None else {}
            super().save_model(request, obj, form, change)
            detail = change_detail(op="changed" if stored is not None else "created", before=before,
                                   after=self._audit_values(obj))
            if detail["before"] or detail["after"]:
                audit_record(action=self.audit_action, request=request, target=obj, detail=detail)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _record_delete(self, request, obj) -> None:
        audit_record(action=self.audit_action, request=request, target=obj,
                     detail=change_detail(op="deleted", before=self._audit_values(obj), after={}))
