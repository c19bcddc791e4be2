from django import forms

from .models import Appeal


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label="申诉事项", choices=Appeal.Kind.choices)
    # Checked by the service (required, length): its message is the one the user reads.
    reason = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    # The files (<input name="files" multiple> in the template) go to the service as they came:
    # it checks them by content (hardening.uploads), and its message lands on the form.

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = kinds


class RulingForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "申诉成立"), ("reject", "驳回申诉")])
    note = forms.CharField(label="裁定意见（驳回须写明理由）", widget=forms.Textarea(attrs={"rows": 3}), required=False)
