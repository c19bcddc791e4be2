"""The supervisor's review of a closed ticket for the public case list (cases.services)."""
from django import forms

from cases.services import ANSWER_MAX, REASON_MAX, SUMMARY_MAX, TITLE_MAX


class CaseReviewForm(forms.Form):
    title = forms.CharField(label="公开标题", max_length=TITLE_MAX, error_messages={"required": "请填写公开标题"},
                            help_text=f"不超过{TITLE_MAX}个字")
    summary = forms.CharField(label="诉求摘要", max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"required": "请填写诉求摘要"},
                              help_text="已自动隐去姓名、电话、证件号、门牌号；公开前请再核对")
    answer = forms.CharField(label="办理结果", max_length=ANSWER_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 5}))
    # issue 19 item 4: which of the ticket's photos the portal shows with the case (none unless ticked).
    public_photo_ids = forms.TypedMultipleChoiceField(label="公开照片", required=False, coerce=int,
                                                      widget=forms.CheckboxSelectMultiple,
                                                      error_messages={"invalid_choice": "所选照片不属于该工单"})

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.photos = list(photos)
        self.fields["public_photo_ids"].choices = [(p.pk, f"照片{i}") for i, p in enumerate(self.photos, 1)]


class CaseWithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=REASON_MAX, required=False)
