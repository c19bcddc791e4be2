"""The centre admin ties AGENT accounts to a village and town (the role is the security
administrator's); filings are read-only records."""
from django import forms
from django.contrib import admin, messages

from hotline.admin_access import BUSINESS_RECORDS, ReadOnlyAdmin, RoleAdmin
from hotline.errors import HotlineError
from hotline.models import Role

from .models import AgentProfile, Filing
from .services import agent_profile_save, town_names


class AgentProfileForm(forms.ModelForm):
    town = forms.ChoiceField(label="所属镇（街道）", choices=())

    class Meta:
        model = AgentProfile
        fields = ("user", "village", "town", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [(name, name) for name in town_names()]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user.role != Role.AGENT:
            raise forms.ValidationError("该账号不是代办员角色，请先由安全管理员分配“代办员”角色")
        return user


@admin.register(AgentProfile)
class AgentProfileAdmin(RoleAdmin):
    view_roles = BUSINESS_RECORDS
    form = AgentProfileForm
    list_display = ("user", "town", "village", "is_active", "updated_at")
    list_filter = ("town", "is_active")
    search_fields = ("village", "user__username", "user__display_name")

    def save_model(self, request, obj, form, change):
        try:
            saved = agent_profile_save(actor=request.user, user=obj.user, village=obj.village, town=obj.town,
                                       is_active=obj.is_active)
        except HotlineError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "agent", "town", "village", "consent", "agent_notified", "created_at")
    list_filter = ("consent", "town", "agent_notified")
    search_fields = ("ticket__number", "agent__username", "village")
