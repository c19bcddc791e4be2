"""The citizen portal's only state of its own: satisfaction votes on published cases."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseVote(models.Model):
    """One browser's vote on one published case (公开案例满意度评价)."""

    class Choice(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(_("评价"), max_length=12, choices=Choice.choices)
    # A random id kept in a signed cookie: one vote per browser without any login.
    voter = models.CharField(_("浏览器标识"), max_length=64)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公开案例评价")
        verbose_name_plural = _("公开案例评价")
        constraints = [models.UniqueConstraint(fields=["ticket", "voter"], name="one_vote_per_browser")]
        indexes = [models.Index(fields=["ticket", "choice"], name="casevote_ticket_choice")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.choice}"
