"""申诉 (不满意甄别): a handling unit appeals a dissatisfied rating or an overdue; the centre rules."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PENDING = models.Q(state="pending")


class Appeal(models.Model):
    class Kind(models.TextChoices):
        DISSATISFIED = "dissatisfied", _("不满意申诉")
        OVERDUE = "overdue", _("超期申诉")

    class State(models.TextChoices):
        PENDING = "pending", _("待裁定")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉驳回")

    ticket = models.ForeignKey("hotline.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE,
                               related_name="appeals")
    unit = models.ForeignKey("hotline.Unit", verbose_name=_("申诉单位"), on_delete=models.PROTECT,
                             related_name="appeals")
    kind = models.CharField(_("申诉类型"), max_length=16, choices=Kind.choices)
    # The dissatisfied answer appealed (kind dissatisfied only).
    survey = models.ForeignKey("dispatch.Survey", verbose_name=_("回访记录"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申诉理由"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申诉人"), on_delete=models.PROTECT,
                                 related_name="+")
    created_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    # When the centre should have ruled (APPEAL_RULING_WORKING_DAYS), and when the list turns yellow.
    ruling_due_at = models.DateTimeField(_("裁定时限"))
    ruling_warn_at = models.DateTimeField(_("裁定预警时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("裁定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    decision_note = models.TextField(_("裁定意见"), blank=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], condition=PENDING, name="one_open_appeal_per_kind"),
        ]
        indexes = [
            # The centre's pending list, by ruling deadline: a handful of rows however many were ruled.
            models.Index(fields=["ruling_due_at"], condition=PENDING, name="appeal_pending_due"),
            # A unit's appeals, newest first; 电子监察 counts a unit's appeals in a period.
            models.Index(fields=["unit", "created_at"], name="appeal_unit_created"),
            models.Index(fields=["created_at"], name="appeal_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()}（{self.get_state_display()}）"


def appeal_file_path(instance: "AppealAttachment", filename: str) -> str:
    return f"appeals/{instance.appeal.ticket_id}/{filename}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, verbose_name=_("申诉"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=appeal_file_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("申诉附件")
        verbose_name_plural = _("申诉附件")

    def __str__(self) -> str:
        return self.name
