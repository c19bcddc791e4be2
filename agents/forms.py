"""The phone page's form: it parses; agents.services decides (errors come back on the named field)."""
from django import forms

from hotline.models import TicketType

from .models import ConsentKind


class FilingForm(forms.Form):
    citizen_name = forms.CharField(label="市民姓名", max_length=50)
    citizen_phone = forms.CharField(label="市民手机", max_length=20, required=False,
                                    help_text="没有手机可不填，改用“代办员承诺”",
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    ticket_type = forms.ChoiceField(label="诉求类型", choices=TicketType.choices, initial=TicketType.HELP)
    content = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(label="村内地点", max_length=150, required=False,
                              help_text="如：3组村道路口、张家屋后")
    consent = forms.ChoiceField(label="市民同意方式", choices=ConsentKind.choices, initial=ConsentKind.SMS_CODE,
                                widget=forms.RadioSelect)
    code = forms.CharField(label="短信验证码", max_length=6, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    attested = forms.BooleanField(label="我承诺：已当面向市民说明并征得其同意代为反映", required=False)
    attestation_note = forms.CharField(label="承诺说明", max_length=300, required=False,
                                       help_text="如：本人无手机，由女儿陪同在村委会当面确认",
                                       widget=forms.Textarea(attrs={"rows": 2}))
    notify_agent = forms.BooleanField(label="市民同意代办员接收办理进度短信", required=False, initial=True)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label="自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
