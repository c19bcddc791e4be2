"""Forms of the upkeep pages: they parse and label in Chinese; the services decide."""
from django import forms

from hardening.uploads import SPREADSHEET_KINDS, UploadRefused, check_upload
from hotline.models import Category, Unit

from .models import KnowledgePoint
from .services import points as services


class PointForm(forms.Form):
    title = forms.CharField(label="标题", max_length=services.TITLE_MAX)
    questions = forms.CharField(label="常见问法", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="市民的各种问法，每行一个")
    answer = forms.CharField(label="答复口径", widget=forms.Textarea(attrs={"rows": 8}))
    sms_answer = forms.CharField(label="短信答复", required=False, max_length=services.SMS_MAX,
                                 help_text="最多120字；为空时从答复口径截取")
    category = forms.ModelChoiceField(label="分类", required=False,
                                      queryset=Category.objects.filter(is_active=True).order_by("full_name"))
    unit = forms.ModelChoiceField(label="责任单位", required=False, queryset=Unit.objects.filter(is_active=True)
                                  .order_by("path"), help_text="为空表示热线中心；单位账号只能选本单位")
    source_title = forms.CharField(label="政策依据", required=False, max_length=200)
    source_number = forms.CharField(label="文号", required=False, max_length=100)
    source_url = forms.CharField(label="链接", required=False, max_length=500)
    valid_from = forms.DateField(label="生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label="失效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    audience = forms.ChoiceField(label="公开范围", choices=KnowledgePoint.Audience.choices,
                                 initial=KnowledgePoint.Audience.INTERNAL)
    note = forms.CharField(label="修改说明", required=False, max_length=services.NOTE_MAX)

    def point_fields(self) -> services.PointFields:
        data = self.cleaned_data
        return services.PointFields(**{name: data.get(name) or (None if name in (
            "category", "unit", "valid_from", "valid_to") else "") for name in services.FIELDS})

    @classmethod
    def initial_of(cls, point: KnowledgePoint) -> dict:
        fields = services.from_snapshot(point.revision) if point.revision else services.fields_of(point)
        return {name: getattr(fields, name) for name in services.FIELDS}


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", required=False, max_length=services.NOTE_MAX)


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
    publish = forms.BooleanField(label="导入后直接发布（热线中心）", required=False)

    def clean_file(self):
        """By content (issue 20 item 5): a real .xlsx workbook or a text .csv, whatever the name says."""
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload, allowed=SPREADSHEET_KINDS)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件")
        return upload


class SynonymsForm(forms.Form):
    text = forms.CharField(label="同义词", required=False, widget=forms.Textarea(attrs={"rows": 20}),
                           help_text="每行一组，组内词语用空格分隔，如：公积金 住房公积金")
