"""The citizen portal's forms: Chinese labels and errors, and the captcha answer."""
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from dispatch.models import Survey
from hotline.errors import InvalidInput
from hotline.models import TicketType
from hotline.validation import validate_phone
from photos.forms import PhotosField
from places.geo import town_names
from places.services import place_resolve

# Citizens may not file internal kinds; 表扬 and 建议 are welcome.
PORTAL_TYPES = [c for c in TicketType.choices if c[0] != TicketType.OTHER]


class PortalSubmitForm(forms.Form):
    ticket_type = forms.ChoiceField(label="诉求类型", choices=PORTAL_TYPES, initial=TicketType.CONSULTATION,
                                    error_messages={"required": "请选择诉求类型"})
    citizen_name = forms.CharField(label="您的姓名", max_length=50, required=False,
                                   help_text="可不填；不会在网站上公开")
    citizen_phone = forms.CharField(label="联系电话", max_length=30,
                                    error_messages={"required": "请填写联系电话，用于查询进度和回访"},
                                    help_text="用于查询进度和回访，不会公开")
    title = forms.CharField(label="标题", max_length=200, required=False)
    content = forms.CharField(label="诉求内容", max_length=settings.HOTLINE_MAX_TEXT_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "请填写诉求内容"})
    address = forms.CharField(label="事发地点", max_length=200, required=False)
    # issue 19 item 5: where — the town chosen, and/or the position "使用我的位置" put in the hidden fields.
    area = forms.ChoiceField(label="所属乡镇（街道）", required=False,
                             error_messages={"invalid_choice": "请从列表中选择所属乡镇（街道）"})
    latitude = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    photos = PhotosField()  # issue 19 item 4: checked by content before the ticket is registered
    captcha = forms.CharField(label="验证码", max_length=8, error_messages={"required": "请填写验证码"},
                              help_text="请计算图中算式的结果")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "（不确定可不选）"), *((name, name) for name in town_names())]

    def clean_citizen_phone(self):
        try:
            return validate_phone(self.cleaned_data["citizen_phone"])
        except InvalidInput as exc:
            raise ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        try:
            data["place"] = place_resolve(latitude=data.get("latitude"), longitude=data.get("longitude"),
                                          area=data.get("area") or "")
        except InvalidInput as exc:
            # A bad town goes next to the select; a bad position (from the hidden fields) above the
            # form, and is dropped, so that the form shown again does not carry it back.
            self.add_error("area" if exc.field == "area" else None, exc.message)
            if exc.field != "area":
                self.data = self.data.copy()
                self.data["latitude"] = self.data["longitude"] = ""
        return data

    def ask_for_photos_again(self) -> None:
        """The form is shown again: a browser never refills a file input, so say so."""
        if self.files and self.files.getlist("photos") and "photos" not in self.errors:
            self.add_error("photos", "请重新选择照片（出于安全原因，浏览器不会保留已选的文件）")


class QueryForm(forms.Form):
    number = forms.RegexField(label="工单编号", regex=r"^\s*\d{11}\s*$", max_length=20,
                              error_messages={"required": "请填写工单编号", "invalid": "工单编号为11位数字"})
    last4 = forms.RegexField(label="联系电话后四位", regex=r"^\d{4}$", max_length=4,
                             error_messages={"required": "请填写联系电话后四位", "invalid": "请填写4位数字"})

    def clean_number(self):
        return self.cleaned_data["number"].strip()


class PortalSurveyForm(forms.Form):
    result = forms.ChoiceField(label="您对办理结果是否满意", choices=Survey.Result.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择满意程度"})
    comment = forms.CharField(label="意见或建议", max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class CaseFilterForm(forms.Form):
    """The public case list's search box and filters (all optional)."""

    q = forms.CharField(label="关键词", max_length=50, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：路灯 噪音"}),
                        error_messages={"max_length": "关键词不能超过50个字"})
    category = forms.ChoiceField(label="分类", required=False,
                                 error_messages={"invalid_choice": "请从列表中选择分类"})
    month = forms.ChoiceField(label="办结月份", required=False,
                              error_messages={"invalid_choice": "请从列表中选择月份"})

    def __init__(self, *args, categories=(), months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "全部分类"), *((str(c.pk), c.name) for c in categories)]
        self.fields["month"].choices = [("", "全部月份"), *((m, f"{m[:4]}年{int(m[5:])}月") for m in months)]
