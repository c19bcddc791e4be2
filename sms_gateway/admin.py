from django import forms
from django.contrib import admin, messages

from audit.admin_mixins import AuditedAdmin
from audit.models import AuditAction
from hotline.admin_access import BUSINESS_RECORDS, CONFIGURATION, RoleAdmin, RoleInline

from .intake import handle_inbound
from .models import ApiAccount, IntakeState, Message, MessagePart, SmsTemplate, StatusCallback
from .texts import DEFAULTS, validate_template_text


@admin.register(ApiAccount)
class ApiAccountAdmin(AuditedAdmin, RoleAdmin):
    view_roles = CONFIGURATION
    audit_secret_fields = ("auth_token",)
    list_display = ["friendly_name", "sid", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["friendly_name", "sid"]
    readonly_fields = ["sid", "created_at"]
    fields = ["friendly_name", "sid", "auth_token", "is_active", "created_at"]


class PartInline(RoleInline, admin.TabularInline):
    model = MessagePart
    extra = 0
    can_delete = False
    fields = ["seq", "total", "state", "smsc_message_id", "attempts", "umr", "submitted_at", "accepted_at",
              "done_at", "error_code"]
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(RoleAdmin):
    view_roles = BUSINESS_RECORDS  # citizens' numbers and texts
    list_display = ["sid", "direction", "from_number", "to_number", "short_body", "num_segments", "status",
                    "kind", "ticket", "intake_state", "date_created"]
    list_filter = ["direction", "status", "kind", "transport", "intake_state"]
    search_fields = ["sid", "to_number", "from_number", "body", "ticket__number"]
    date_hierarchy = "date_created"
    raw_id_fields = ["ticket", "account"]
    readonly_fields = [f.name for f in Message._meta.fields]
    inlines = [PartInline]
    actions = ["rerun_intake"]

    def has_add_permission(self, request):
        return False  # sending goes through the API or the services, which queue and track it

    @admin.display(description="内容")
    def short_body(self, obj):
        return obj.body[:40]

    @admin.action(description="重新受理所选上行短信")
    def rerun_intake(self, request, queryset):
        count = 0
        for message in queryset.filter(direction="inbound", intake_state=IntakeState.FAILED):
            Message.objects.filter(pk=message.pk).update(intake_state=IntakeState.PENDING)
            message.refresh_from_db()
            handle_inbound(message)
            count += 1
        self.message_user(request, f"已重新受理 {count} 条短信", messages.SUCCESS)


@admin.register(StatusCallback)
class StatusCallbackAdmin(RoleAdmin):
    view_roles = BUSINESS_RECORDS
    list_display = ["message", "url", "attempts", "delivered_at", "given_up", "last_error"]
    list_filter = ["given_up"]
    raw_id_fields = ["message"]


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = ["name", "recipient", "text", "optional", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "cols": 80})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        validate_template_text(self.instance.key, text)
        return text


@admin.register(SmsTemplate)
class SmsTemplateAdmin(AuditedAdmin, RoleAdmin):
    view_roles = CONFIGURATION
    audit_action = AuditAction.TEMPLATE_CHANGED
    form = TemplateForm
    list_display = ["name", "key", "recipient", "optional", "is_active", "updated_at"]
    list_filter = ["recipient", "optional", "is_active"]
    readonly_fields = ["key", "available_placeholders", "default_text"]
    fields = ["key", "name", "recipient", "text", "available_placeholders", "default_text", "optional", "is_active"]

    def has_add_permission(self, request):
        return False  # the keys are what the code sends; the admin edits their text

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="可用占位符")
    def available_placeholders(self, obj):
        names = DEFAULTS.get(obj.key, ("", "", True, "", ""))[4].split()
        return "、".join("{" + n + "}" for n in names) or "无"

    @admin.display(description="默认内容")
    def default_text(self, obj):
        return DEFAULTS.get(obj.key, ("", "", True, "", ""))[3]
