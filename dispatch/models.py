"""Routing, handling and callback records, plus the admin-editable policies."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.models import TicketType, Urgency

# A unit's part in a ticket other than "current lead unit" (which Ticket.lead_unit already
# says): co-unit, a sub-unit's handed-down part (二级派单, issue 16), an earlier round, returned
# or cancelled. Units also see these tickets.
SIDE_PART = (models.Q(role__in=["co", "sub"]) | models.Q(is_current=False)
             | models.Q(state__in=["returned", "cancelled"]))
# A co-unit part still to be done.
OPEN_CO_PART = models.Q(is_current=True, role="co", state__in=["pending", "signed"])
# --- issue 16 items 5 and 6: two-level dispatch (二级派单) and the co-units' own deadlines ---
# A co-unit's or sub-unit's part still to be done (a unit's inbox shows it, with the part's own
# deadline): the partial index over these (unit, due_at) stays as small as the work in hand,
# where every part ever held grows by the year.
OPEN_PART = models.Q(is_current=True, role__in=["co", "sub"], state__in=["pending", "signed"])
# A handed-down part its parent unit has not settled yet: the sub-unit still works on it, or it
# replied and the parent has not reviewed the reply. The parent's reply upward waits for these.
UNSETTLED_SUB = models.Q(is_current=True, role="sub") & (
    models.Q(state__in=["pending", "signed"]) | models.Q(state="replied", accepted_at__isnull=True))
# --- end issue 16 items 5 and 6 ---
# A part the unit has finished with: it replied, handed the ticket back, the ticket closed
# while its co-unit part was unanswered, or the centre reassigned it (改派). These make up the
# unit's 已办 list.
DONE_PART_STATES = ("replied", "returned", "closed", "reassigned")
DONE_PART = models.Q(state__in=DONE_PART_STATES)


class Assignment(models.Model):
    """A unit's part in handling a ticket: one lead unit and optional co-units per round."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        # Issue 16 item 5: a sub-unit's part, handed down by the unit holding `parent`.
        SUB = "sub", _("下级承办")

    class State(models.TextChoices):
        PENDING = "pending", _("待签收")
        SIGNED = "signed", _("已签收")
        REPLIED = "replied", _("已回复")
        RETURNED = "returned", _("已退回")
        CANCELLED = "cancelled", _("已撤销")
        # The ticket closed (办结, 并单, 无效) while this co-unit part was still unanswered.
        CLOSED = "closed", _("已结束")
        # 改派 (issue 16): the centre gave the ticket to another unit while this one held it; the
        # unit keeps a read-only view of the ticket and its timeline.
        REASSIGNED = "reassigned", _("已改派")

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"),
        on_delete=models.CASCADE, related_name="assignments",
    )
    unit = models.ForeignKey(
        "hotline.Unit", verbose_name=_("承办单位"),
        on_delete=models.PROTECT, related_name="assignments",
    )
    role = models.CharField(_("承办角色"), max_length=10, choices=Role.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    round = models.PositiveSmallIntegerField(_("派单轮次"), default=1)
    is_current = models.BooleanField(_("当前"), default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("派单人"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    assigned_at = models.DateTimeField(_("派单时间"), auto_now_add=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签收人"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    # When the unit's part ended (replied, returned, closed, cancelled): a unit's 已办 list is
    # in this order, newest first.
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # --- issue 16 items 5 and 6 ---
    # The part this one was handed down from (二级派单): set on sub-unit parts only.
    parent = models.ForeignKey(
        "self", verbose_name=_("上级承办记录"), null=True, blank=True, db_index=False,
        on_delete=models.CASCADE, related_name="sub_parts",
    )
    # A co-unit's or sub-unit's own deadline and yellow time (the lead's are the ticket's).
    due_at = models.DateTimeField(_("本单位办理时限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("本单位预警时间"), null=True, blank=True)
    note = models.TextField(_("转办说明"), blank=True, default="")
    # A sub-unit's reply the parent unit accepted (审核通过).
    accepted_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    # The parent's reason when it sent the reply back or withdrew the part.
    review_note = models.TextField(_("审核意见"), blank=True, default="")
    # --- end issue 16 items 5 and 6 ---

    class Meta:
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")
        indexes = [
            models.Index(fields=["unit", "is_current", "ticket"], name="assignment_unit_current"),
            models.Index(fields=["ticket", "is_current"], name="assignment_ticket_current"),
            # A unit's unfinished co-unit and sub-unit work (issue 16): a handful of rows among its
            # thousands of assignments, by the part's own deadline.
            models.Index(fields=["unit", "due_at", "ticket"], condition=OPEN_PART, name="assignment_open_part"),
            # Handed-down parts a parent has not settled: few in the whole city.
            models.Index(fields=["parent"], condition=UNSETTLED_SUB, name="assignment_unsettled_sub"),
            models.Index(fields=["unit", "ticket"], condition=SIDE_PART, name="assignment_side_part"),
            # A unit's 已办 list, newest first, paged straight from the index.
            models.Index(fields=["unit", "-ended_at", "-id"], condition=DONE_PART, name="assignment_unit_done"),
            # The reports' per-unit dispatches as lead unit in a period (退单率's denominator).
            models.Index(fields=["assigned_at", "unit"], condition=models.Q(role="lead"),
                         name="assignment_lead_assigned"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.unit_id} ({self.role})"


class Instruction(models.Model):
    """A leader's instruction (批示), with the units the leader chose or confirmed."""

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"),
        on_delete=models.CASCADE, related_name="instructions",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批示领导"),
        on_delete=models.PROTECT, related_name="+",
    )
    text = models.TextField(_("批示内容"))
    units = models.ManyToManyField("hotline.Unit", blank=True, related_name="+", verbose_name=_("建议承办单位"))
    created_at = models.DateTimeField(_("批示时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} 批示"


class Reply(models.Model):
    """A unit's reply (办理结果). The lead unit's reply moves the ticket to 'replied'."""

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"),
        on_delete=models.CASCADE, related_name="replies",
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("派单记录"),
        on_delete=models.PROTECT, related_name="replies",
    )
    unit = models.ForeignKey(
        "hotline.Unit", verbose_name=_("承办单位"),
        on_delete=models.PROTECT, related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回复人"),
        on_delete=models.PROTECT, related_name="+",
    )
    text = models.TextField(_("办理结果"))
    is_lead = models.BooleanField(_("主办回复"), default=True)
    created_at = models.DateTimeField(_("回复时间"), auto_now_add=True)

    # 办结审核 (issue 16 item 3): a lead reply on a reviewed ticket type waits for the centre.
    class Review(models.TextChoices):
        NONE = "", _("无需审核")
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("审核通过")
        SENT_BACK = "sent_back", _("退回重办")
        # The ticket left review another way (并单, 无效) before anyone decided.
        CANCELLED = "cancelled", _("已撤销")

    review_state = models.CharField(_("审核状态"), max_length=10, choices=Review.choices, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    # The approval's optional note, or the send-back's required reason (shown to the unit).
    review_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("办理回复")
        verbose_name_plural = _("办理回复")
        ordering = ["created_at"]
        indexes = [
            # The board's 待审核: a handful of rows among every reply ever given.
            models.Index(fields=["created_at"], condition=models.Q(review_state="pending"),
                         name="reply_review_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} 回复"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.reply.ticket_id}/{filename}"


class Attachment(models.Model):
    reply = models.ForeignKey(
        Reply, verbose_name=_("回复"),
        on_delete=models.CASCADE, related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("已驳回")
        # The ticket left the unit (replied, returned, merged) before anyone decided.
        CANCELLED = "cancelled", _("已撤销")

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"),
        on_delete=models.CASCADE, related_name="extension_requests",
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("派单记录"),
        on_delete=models.PROTECT, related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
        on_delete=models.PROTECT, related_name="+",
    )
    reason = models.TextField(_("延期理由"))
    extra_days = models.PositiveSmallIntegerField(_("延长工作日"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    old_due_at = models.DateTimeField(_("原时限"))
    new_due_at = models.DateTimeField(_("新时限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    decision_note = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            # At most one undecided request per ticket.
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(state="pending"), name="one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} 延期{self.extra_days}天"


# --- 挂起 (issue 16, item 4) -------------------------------------------------------------
class Suspension(models.Model):
    """挂起: a request to stop a ticket's clock, the centre's decision, and once approved the
    span the ticket stood still and how its deadline moved (dispatch/services/suspension.py).
    At most one per ticket is open (awaiting a decision, or in force)."""

    class Reason(models.TextChoices):
        CITIZEN_MATERIALS = "citizen_materials", _("等待市民补充材料")
        LITIGATION = "litigation", _("涉及诉讼、仲裁或行政复议")
        SITE_CONDITION = "site_condition", _("现场条件暂不具备")
        THIRD_PARTY = "third_party", _("等待鉴定、检测或其他部门结论")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        REJECTED = "rejected", _("已驳回")
        ACTIVE = "active", _("挂起中")
        RESUMED = "resumed", _("已恢复")
        # Withdrawn before a decision, or ended with the ticket (并单, 无效) while in force.
        CANCELLED = "cancelled", _("已撤销")

    class ResumedHow(models.TextChoices):
        SUPERVISOR = "supervisor", _("值班长恢复办理")
        CITIZEN = "citizen", _("市民短信回复")
        AUTO = "auto", _("挂起期满自动恢复")

    ticket = models.ForeignKey("hotline.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE,
                               related_name="suspensions")
    # The lead unit's part when the unit asked; none when the centre's operator asked.
    assignment = models.ForeignKey(Assignment, verbose_name=_("派单记录"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("hotline.Unit", verbose_name=_("承办单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    reason_kind = models.CharField(_("挂起原因"), max_length=20, choices=Reason.choices)
    reason = models.TextField(_("挂起说明"))
    expected_days = models.PositiveSmallIntegerField(_("预计挂起工作日"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    # The latest moment it stays suspended: HOTLINE_SUSPENSION_MAX_WORKING_DAYS of working time on.
    resume_by = models.DateTimeField(_("最迟恢复时间"), null=True, blank=True)
    resumed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    resumed_how = models.CharField(_("恢复方式"), max_length=10, choices=ResumedHow.choices, blank=True)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("恢复人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # What the deadline moved by: working seconds (working-day limits) or clock seconds (clock hours).
    paused_seconds = models.PositiveIntegerField(_("顺延时长（秒）"), null=True, blank=True)
    old_due_at = models.DateTimeField(_("原办理时限"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("新办理时限"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂起申请")
        verbose_name_plural = _("挂起申请")
        constraints = [
            # One open suspension per ticket: a second request waits until the first is decided
            # and, if approved, until the ticket resumes.
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(state__in=["pending", "active"]),
                                    name="one_open_suspension"),
        ]
        # The board's 挂起待审 and 挂起中 lists and the sweep's "past resume_by" read this.
        indexes = [models.Index(fields=["state", "resume_by"], name="suspension_state_resume")]

    def __str__(self) -> str:
        return f"{self.ticket_id} 挂起"
# --- end 挂起 --------------------------------------------------------------------------------


class TicketReturn(models.Model):
    """A lead unit's 退单 (issue 16, return review): a request the centre accepts (the ticket is
    returned, and maybe re-dispatched at once) or refuses (the ticket stays with the unit, its
    deadline unchanged). Rows from before the review migrated as accepted."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已同意")
        REFUSED = "refused", _("已驳回")
        # The unit replied, or the ticket left it (merged, invalid, reassigned) before anyone decided.
        CANCELLED = "cancelled", _("已撤销")

    class Reason(models.TextChoices):
        NOT_OURS = "not_ours", _("不属于本单位职责")
        UNCLEAR = "unclear", _("诉求内容不清或信息不全")
        OTHER_CHANNEL = "other_channel", _("应由其他途径解决（诉讼、仲裁、信访等）")
        SEVERAL_UNITS = "several_units", _("涉及多个部门需协调")
        OTHER = "other", _("其他")

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"),
        on_delete=models.CASCADE, related_name="returns",
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("派单记录"),
        on_delete=models.PROTECT, related_name="+",
    )
    unit = models.ForeignKey(
        "hotline.Unit", verbose_name=_("承办单位"),
        on_delete=models.PROTECT, related_name="+",
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
        on_delete=models.PROTECT, related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    reason_code = models.CharField(_("退单原因"), max_length=16, choices=Reason.choices, default=Reason.OTHER)
    reason = models.TextField(_("退单理由"))
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    # The centre reviews within a working day (HOTLINE_RETURN_REVIEW_WORKING_DAYS).
    review_due_at = models.DateTimeField(_("审核时限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("退单申请")
        verbose_name_plural = _("退单申请")
        constraints = [
            # At most one undecided request per ticket: the second ask is a 409, never a second row.
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(state="pending"),
                                    name="one_pending_return"),
        ]
        indexes = [
            # The board's 退单待审, the longest waiting first: as small as the requests waiting.
            models.Index(fields=["created_at", "id"], condition=models.Q(state="pending"),
                         name="ticketreturn_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} 退单（{self.get_state_display()}）"


class Survey(models.Model):
    """A callback satisfaction survey (回访), by SMS or by an operator's call."""

    class Method(models.TextChoices):
        SMS = "sms", _("短信回访")
        PHONE = "phone", _("电话回访")

    class State(models.TextChoices):
        PENDING = "pending", _("待回访")
        ANSWERED = "answered", _("已回访")
        EXPIRED = "expired", _("未回复")
        CANCELLED = "cancelled", _("已取消")

    class Result(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("工单"),
        on_delete=models.CASCADE, related_name="surveys",
    )
    method = models.CharField(_("回访方式"), max_length=10, choices=Method.choices, default=Method.SMS)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    result = models.CharField(_("满意度"), max_length=12, choices=Result.choices, blank=True)
    resolved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    comment = models.TextField(_("市民意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("回访时限"), null=True, blank=True)
    sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # issue 18 item 2 (appeals.services.appeal_uphold): the centre upheld the unit's appeal of this
    # dissatisfied answer; the reports' rollup no longer counts it as a valid callback.
    appeal_upheld = models.BooleanField(_("申诉成立"), default=False, db_default=False)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(state="pending"), name="one_pending_survey"
            )
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="survey_state_due")]

    def __str__(self) -> str:
        return f"{self.ticket_id} 回访"


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CLOCK_HOURS = "clock_hours", _("自然小时")


class TimeLimitPolicy(models.Model):
    """How long each step may take, by type, category and urgency (blank = any).

    The most specific matching row wins: urgency, then category (deeper first),
    then type. docs/PRODUCT.md §4 gives the defaults, loaded by a data migration.
    """

    name = models.CharField(_("名称"), max_length=60)
    ticket_type = models.CharField(_("诉求类型"), max_length=16, choices=TicketType.choices, blank=True)
    category = models.ForeignKey(
        "hotline.Category", verbose_name=_("诉求分类"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    limit_unit = models.CharField(_("计时方式"), max_length=14, choices=LimitUnit.choices,
                                  default=LimitUnit.WORKING_DAYS)
    handle_limit = models.PositiveSmallIntegerField(_("办理时限"))
    sign_limit = models.PositiveSmallIntegerField(_("签收时限"), default=1)
    callback_limit_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), default=1)
    warn_share = models.DecimalField(_("黄灯比例"), max_digits=3, decimal_places=2, default=0.20)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.handle_limit is not None and self.handle_limit < 1:
            errors["handle_limit"] = _("办理时限至少为1")
        if self.sign_limit is not None and self.handle_limit and self.sign_limit > self.handle_limit:
            errors["sign_limit"] = _("签收时限不能长于办理时限")
        if self.warn_share is not None and not 0 < self.warn_share < 1:
            errors["warn_share"] = _("黄灯比例须在0和1之间，例如0.20表示最后20%的时间亮黄灯")
        if errors:
            raise ValidationError(errors)


class ApprovalPolicy(models.Model):
    """Which tickets must be reported to a leader before dispatch (blank = any)."""

    name = models.CharField(_("名称"), max_length=60)
    ticket_type = models.CharField(_("诉求类型"), max_length=16, choices=TicketType.choices, blank=True)
    category = models.ForeignKey(
        "hotline.Category", verbose_name=_("诉求分类"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主管领导"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", limit_choices_to={"role": "leader"},
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("领导审批规则")
        verbose_name_plural = _("领导审批规则")

    def __str__(self) -> str:
        return self.name


class ReplyReviewPolicy(models.Model):
    """办结审核: whether the lead unit's reply on tickets of a type waits for the centre's review
    before the citizen hears of it (issue 16 item 3). A type without a row is not reviewed.
    Read through dispatch.services.review.reply_review_required (cached, forgotten on save)."""

    ticket_type = models.CharField(_("诉求类型"), max_length=16, choices=TicketType.choices, unique=True)
    review_required = models.BooleanField(_("须审核"), default=True,
                                          help_text=_("勾选：该类工单主办单位的答复须经热线办审核通过后才回访、"
                                                      "才把办理结果短信发给市民"))

    class Meta:
        verbose_name = _("办结审核规则")
        verbose_name_plural = _("办结审核规则")
        ordering = ["ticket_type"]

    def __str__(self) -> str:
        label = TicketType(self.ticket_type).label if self.ticket_type in TicketType.values else self.ticket_type
        return f"{label}：{'须审核' if self.review_required else '无需审核'}"


class HolidayYear(models.Model):
    """A year whose official holidays an admin imported (dispatch.services.calendar): with it,
    deadlines in that year count the State Council's holidays, not weekends only."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=120, blank=True,
                              help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    days_off = models.PositiveSmallIntegerField(_("放假天数"), default=0)
    make_up_days = models.PositiveSmallIntegerField(_("调休上班天数"), default=0)
    imported_at = models.DateTimeField(_("导入时间"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("导入人"))

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarOverride(models.Model):
    """An admin's word on one day, above the Chinese calendar package."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=60, blank=True)
    # Set when the day came from a year's import: importing the year again replaces these rows.
    holiday_year = models.ForeignKey(HolidayYear, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="days", verbose_name=_("所属年度安排"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'}"


def notice_path(instance: "SupervisionNotice", filename: str) -> str:
    return f"supervision/{instance.ticket_id}/{filename}"


class SupervisionNotice(models.Model):
    """督办通知书: the written notice a red (or supervised) ticket earns. Its text is a snapshot
    taken when it is issued, so the document does not change when the ticket moves on."""

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="supervision_notices")
    # The `supervise` event that issued it: one notice per event, however often a worker retries.
    event = models.OneToOneField("hotline.TicketEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="supervision_notice")
    unit = models.ForeignKey("hotline.Unit", verbose_name=_("承办单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="supervision_notices")
    unit_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    ticket_number = models.CharField(_("工单编号"), max_length=16)
    ticket_title = models.CharField(_("标题"), max_length=200)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    days_overdue = models.PositiveIntegerField(_("超期天数"), default=0)
    demand = models.TextField(_("督办要求"))
    issued_by = models.CharField(_("督办人"), max_length=60, default="系统")
    created_at = models.DateTimeField(_("督办时间"), auto_now_add=True)
    file = models.FileField(_("PDF文件"), upload_to=notice_path, blank=True)

    class Meta:
        verbose_name = _("督办通知书")
        verbose_name_plural = _("督办通知书")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.serial

    @property
    def serial(self) -> str:
        year = self.created_at.year if self.created_at else ""
        return f"督字〔{year}〕第{self.pk or 0:05d}号"


class TimerReminder(models.Model):
    """A reminder the sweep has sent (signing or callback overdue), one per ticket, kind and
    deadline: the unique constraint is what makes a re-run or an overlapping run send nothing twice."""

    class Kind(models.TextChoices):
        SIGN_OVERDUE = "sign_overdue", _("签收超时提醒")
        CALLBACK_DUE = "callback_due", _("回访到期提醒")

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        constraints = [models.UniqueConstraint(fields=["ticket", "kind", "due_at"], name="one_reminder_per_due")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class LightTimer(models.Model):
    """A traffic-light notice still owed: the urge when the ticket turns yellow (at warn_at), the
    supervision when it turns red (after due_at). Written when a ticket is dispatched or its
    deadline moves; the sweep claims the rows that came due by deleting them, and writes the
    notices in the same transaction. So the sweep reads a small index of what is due and never
    rewrites ticket rows (each rewrite inserted into every index of the ticket table)."""

    class Kind(models.TextChoices):
        YELLOW = "yellow", _("黄灯催办")
        RED = "red", _("红灯督办")

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    light = models.CharField(_("灯色"), max_length=10, choices=Kind.choices)
    fires_at = models.DateTimeField(_("到点时间"))

    class Meta:
        verbose_name = _("灯色提醒")
        verbose_name_plural = _("灯色提醒")
        constraints = [models.UniqueConstraint(fields=["ticket", "light"], name="light_timer_once")]
        indexes = [models.Index(fields=["light", "fires_at"], name="light_timer_due")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.light} @ {self.fires_at:%Y-%m-%d %H:%M}"
