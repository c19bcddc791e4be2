"""The audit page's filter: every field optional, each a clear error when malformed."""
from django import forms

from .models import AuditAction

LOCAL = {"type": "datetime-local"}


class AuditFilterForm(forms.Form):
    start = forms.DateTimeField(label="起始时间", required=False, widget=forms.DateTimeInput(LOCAL),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
                                error_messages={"invalid": "起始时间格式应为 2026-12-01 08:00"})
    end = forms.DateTimeField(label="结束时间", required=False, widget=forms.DateTimeInput(LOCAL),
                              input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
                              error_messages={"invalid": "结束时间格式应为 2026-12-01 18:00"})
    actor = forms.CharField(label="操作人", required=False, max_length=150, help_text="用户名（精确匹配）")
    action = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *AuditAction.choices],
                               error_messages={"invalid_choice": "没有这种事件"})
    target_type = forms.CharField(label="对象类型", required=False, max_length=40, help_text="如 ticket、user")
    target_id = forms.CharField(label="对象编号", required=False, max_length=64)
    ip = forms.GenericIPAddressField(label="来源地址", required=False,
                                     error_messages={"invalid": "来源地址应为 IPv4 或 IPv6 地址"})
    succeeded = forms.ChoiceField(label="结果", required=False,
                                  choices=[("", "全部"), ("yes", "成功"), ("no", "失败")],
                                  error_messages={"invalid_choice": "结果只能是 成功 或 失败"})
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput,
                                error_messages={"invalid": "翻页位置无效"})

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("起始时间不能晚于结束时间")
        return data
