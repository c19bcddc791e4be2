"""Forms for the staff pages. They parse and label in Chinese; the services decide."""
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from dispatch.models import Survey, Suspension, TicketReturn
from dispatch.services.extensions import MAX_EXTRA_DAYS
from hotline.errors import InvalidInput
from hotline.models import Category, Role, TicketState, TicketType, Unit, Urgency, User
from hotline.validation import validate_phone

TEXT_MAX = settings.HOTLINE_MAX_TEXT_LENGTH


def active_units():
    return Unit.objects.filter(is_active=True).order_by("path")


def active_leaders():
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk")


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name or obj.username


class TicketForm(forms.Form):
    """The operator's new-ticket form (one call, one ticket)."""

    NEXT_CHOICES = [("office", "交值班长派单"), ("approval", "呈报领导批示")]

    citizen_phone = forms.CharField(label="来电号码", max_length=30, required=False)
    citizen_name = forms.CharField(label="市民姓名", max_length=50, required=False)
    citizen_id_number = forms.CharField(label="身份证号", max_length=20, required=False,
                                        help_text="选填；市民办理须核验身份的事项时登记，加密保存")
    ticket_type = forms.ChoiceField(label="诉求类型", choices=TicketType.choices, widget=forms.RadioSelect,
                                    initial=TicketType.CONSULTATION)
    category = forms.ModelChoiceField(label="诉求分类", queryset=Category.objects.filter(is_active=True),
                                      required=False, widget=forms.HiddenInput,
                                      error_messages={"invalid_choice": "请从分类树中选择一个分类"})
    address = forms.CharField(label="事发地点", max_length=200, required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, widget=forms.RadioSelect,
                                initial=Urgency.NORMAL)
    # issue 16 item 8: 保密件 (a 举报 is one anyway)
    is_confidential = forms.BooleanField(label="保密件（来电人要求保密）", required=False,
                                         help_text="承办单位和领导将看不到来电人的姓名、电话和详细地址；举报件自动保密")
    title = forms.CharField(label="标题", max_length=200, required=False,
                            help_text="不填则取诉求内容的前30个字")
    content = forms.CharField(label="诉求内容", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    answer = forms.CharField(label="答复内容", max_length=TEXT_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="咨询类可当场答复并办结")
    next_step = forms.ChoiceField(label="登记后", choices=NEXT_CHOICES, widget=forms.RadioSelect, initial="office")
    leader = LeaderChoiceField(label="主管领导", queryset=active_leaders(), required=False,
                               empty_label="按审批规则自动选择")
    call_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    # The knowledge point whose answer was inserted (knowledge.js): linked when the ticket is answered.
    knowledge_point = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = active_leaders()

    def clean_citizen_phone(self):
        raw = self.cleaned_data["citizen_phone"].strip()
        if not raw:
            return ""
        try:
            return validate_phone(raw)
        except InvalidInput as exc:
            raise ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "answer" and not (data.get("answer") or "").strip():
            self.add_error("answer", "直接答复办结须填写答复内容")
        return data


class CallbackForm(forms.Form):
    RESOLVED_CHOICES = [("", "未说明"), ("yes", "已解决"), ("no", "未解决")]

    result = forms.ChoiceField(label="满意度", choices=Survey.Result.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择市民的满意度"})
    resolved = forms.ChoiceField(label="问题是否解决", choices=RESOLVED_CHOICES, required=False)
    comment = forms.CharField(label="市民意见", max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def resolved_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("resolved") or "")


class InstructForm(forms.Form):
    text = forms.CharField(label="批示内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "请填写批示内容"})
    units = forms.ModelMultipleChoiceField(label="承办单位", queryset=Unit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = active_units()


class DispatchForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=Unit.objects.none(), empty_label="请选择主办单位",
                                       error_messages={"required": "请选择主办单位"})
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=Unit.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="派单意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Picked with the category search (hidden input); required when the ticket has no category yet.
    category = forms.ModelChoiceField(label="诉求分类", queryset=Category.objects.filter(is_active=True),
                                      required=False, widget=forms.HiddenInput,
                                      error_messages={"required": "工单尚未选择诉求分类，请先选择分类再派单",
                                                      "invalid_choice": "请从分类中选择一个启用的分类"})

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = active_units()
        self.fields["co_units"].queryset = active_units()
        # The service refuses an uncategorised ticket too; asking here says so before the confirm step.
        self.fields["category"].required = ticket is not None and ticket.category_id is None

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_unit"), data.get("co_units") or []
        if lead is not None and lead in co:
            self.add_error("co_units", "协办单位不能与主办单位相同")
        return data


class SubmitForm(forms.Form):
    leader = LeaderChoiceField(label="主管领导", queryset=User.objects.none(), required=False,
                               empty_label="按审批规则自动选择")
    note = forms.CharField(label="呈报说明", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = active_leaders()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    text = forms.CharField(label="办理结果", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请填写办理结果"})
    files = MultipleFileField(label="附件", required=False, help_text="可多选，每个不超过20MB")
    # The lead replying while co-units have not answered must say so (dispatch ticket_reply).
    confirm_absent_co_units = forms.BooleanField(label="确认不再等待，回复中记录以上协办单位未答复", required=False)
    # Issue 16 item 5: a unit replying while parts it handed down are unsettled must say so.
    confirm_open_sub_parts = forms.BooleanField(label="确认结束以上下级办理，由本单位直接回复", required=False)


# --- issue 16 item 5: two-level dispatch (二级派单) on the unit's ticket page ---

class SubUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class HandDownForm(forms.Form):
    """转下级办理: a sub-unit of the user's unit, a deadline (a day: its end), a note."""

    unit = SubUnitChoiceField(label="下级单位", queryset=Unit.objects.none(), empty_label="请选择下级单位",
                              error_messages={"required": "请选择下级单位",
                                              "invalid_choice": "只能转给本单位的下级单位"})
    due_at = forms.DateField(label="下级办理时限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"required": "请选择下级办理时限", "invalid": "请输入有效日期"},
                               help_text="当日24时前；不能晚于本单位的办理时限")
    note = forms.CharField(label="转办说明", max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            # Every active unit below the user's: the service refuses anything else with a clear error.
            self.fields["unit"].queryset = (Unit.objects.filter(path__startswith=unit.path, is_active=True)
                                            .exclude(pk=unit.pk).order_by("path"))


class HandDownReviewForm(forms.Form):
    part = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", "审核通过"), ("send_back", "退回")], widget=forms.HiddenInput)
    reason = forms.CharField(label="退回理由", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class HandDownWithdrawForm(forms.Form):
    part = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="收回理由", max_length=1000, required=False)

# --- end issue 16 item 5 ---


class ExtensionForm(forms.Form):
    extra_days = forms.IntegerField(label="延长工作日", min_value=1, max_value=MAX_EXTRA_DAYS, initial=3,
                                    error_messages={"min_value": f"延长天数须为1到{MAX_EXTRA_DAYS}个工作日",
                                                    "max_value": f"延长天数须为1到{MAX_EXTRA_DAYS}个工作日",
                                                    "invalid": "请输入整数天数"})
    reason = forms.CharField(label="延期理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写延期理由"})


class SuspensionForm(forms.Form):
    """申请挂起 (issue 16, item 4). The upper bound of the days is the setting, checked by the service.
    Its fields are prefixed (suspend-reason …): the pages that show it have other forms with a reason."""

    prefix = "suspend"

    reason_kind = forms.ChoiceField(label="挂起原因", choices=[("", "请选择挂起原因"), *Suspension.Reason.choices],
                                    error_messages={"required": "请选择挂起原因"})
    expected_days = forms.IntegerField(
        label="预计挂起工作日", min_value=1, initial=5,
        help_text=f"期满仍未恢复的，{settings.HOTLINE_SUSPENSION_MAX_WORKING_DAYS}个工作日后系统自动恢复办理",
        error_messages={"min_value": "预计挂起天数至少为1个工作日", "invalid": "请输入整数天数",
                        "required": "请填写预计挂起的工作日数"})
    reason = forms.CharField(label="挂起说明", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请说明等待什么、为何暂不能办理"})


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写理由"})


class ReturnRequestForm(forms.Form):
    """A lead unit's 退单申请: a reason from the list and a text (dispatch.services.returns)."""

    reason_code = forms.ChoiceField(label="退单原因", choices=TicketReturn.Reason.choices, widget=forms.RadioSelect,
                                    error_messages={"required": "请选择退单原因",
                                                    "invalid_choice": "请从列表中选择退单原因"})
    reason = forms.CharField(label="退单理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="说明为什么不属于本单位办理，建议由哪个单位办理",
                             error_messages={"required": "请填写退单理由"})


class ReturnAcceptForm(forms.Form):
    """同意退单 on the board or the ticket page; a unit named re-dispatches at once."""

    lead_unit = forms.ModelChoiceField(label="同时重新派给", queryset=Unit.objects.none(), required=False,
                                       empty_label="不指定：退回待派单")
    note = forms.CharField(label="审核意见", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = active_units()


class ReturnRefuseForm(forms.Form):
    reason = forms.CharField(label="驳回理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写驳回理由，承办单位将看到"})


class ReassignForm(forms.Form):
    """改派 on the ticket page (dispatch.services.reassignment)."""

    lead_unit = forms.ModelChoiceField(label="改派给（主办单位）", queryset=Unit.objects.none(),
                                       empty_label="请选择主办单位",
                                       error_messages={"required": "请选择改派的主办单位"})
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=Unit.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="改派理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写改派理由"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = active_units()
        self.fields["co_units"].queryset = active_units()

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_unit"), data.get("co_units") or []
        if lead is not None and lead in co:
            self.add_error("co_units", "协办单位不能与主办单位相同")
        return data


class LeaderReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写退回理由"})


class UnitSearchForm(forms.Form):
    """A unit searching its own tickets."""

    q = forms.CharField(label="工单编号或标题关键词", max_length=100, required=False)
    date_from = forms.DateField(label="登记日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": "请输入有效日期"})
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "请输入有效日期"})

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data


class ReviewApproveForm(forms.Form):
    """办结审核通过 (issue 16 item 3)."""

    note = forms.CharField(label="审核意见", max_length=1000, required=False)


class ReviewSendBackForm(forms.Form):
    """退回重办 (issue 16 item 3): the reason is required; the unit reads it."""

    reason = forms.CharField(label="退回理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写退回理由：答复哪里不完整或口径不对、需要补充什么"})


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=1000, required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label="办结说明", max_length=1000, error_messages={"required": "请填写办结说明"})


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写答复内容"})


class MergeForm(forms.Form):
    into = forms.CharField(label="并入工单编号", max_length=32, error_messages={"required": "请填写目标工单编号"})
    reason = forms.CharField(label="并单说明", max_length=500, required=False)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(label="审核", choices=[("1", "同意"), ("0", "驳回")],
                                     coerce=lambda v: v == "1", error_messages={"required": "请选择同意或驳回"})
    note = forms.CharField(label="审核意见", max_length=1000, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=100, required=False)
    state = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *TicketState.choices], required=False)
    ticket_type = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *TicketType.choices], required=False)
    light = forms.ChoiceField(label="灯色", choices=[("", "全部灯色"), ("red", "红灯"), ("yellow", "黄灯"),
                                                      ("green", "绿灯")], required=False)
    unit = forms.ModelChoiceField(label="主办单位", queryset=Unit.objects.none(), required=False,
                                  empty_label="全部单位")
    date_from = forms.DateField(label="登记日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()
