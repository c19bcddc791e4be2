"""A closed ticket a supervisor reviewed for the public: the text shown is the reviewer's, scrubbed."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedCase(models.Model):
    """One ticket's public page on the portal. Only `published` rows are shown; a withdrawn
    row is kept (with who withdrew it) so that re-publishing starts from the reviewed text."""

    class State(models.TextChoices):
        PUBLISHED = "published", _("已公开")
        WITHDRAWN = "withdrawn", _("已撤回")

    ticket = models.OneToOneField("hotline.Ticket", on_delete=models.CASCADE, related_name="published_case")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PUBLISHED)
    title = models.CharField(_("公开标题"), max_length=100)
    summary = models.TextField(_("诉求摘要"))
    answer = models.TextField(_("办理结果"), blank=True)
    # Copied from the ticket when published, so that the public list filters on its own rows.
    category = models.ForeignKey("hotline.Category", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("一级分类"))
    ticket_type = models.CharField(_("诉求类型"), max_length=20)
    unit_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("办结时间"))
    published_at = models.DateTimeField(_("公开时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("审核人"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("撤回人"))
    withdraw_reason = models.CharField(_("撤回理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公开案例")
        verbose_name_plural = _("公开案例")
        indexes = [models.Index(fields=["state", "-closed_at"], name="case_state_closed")]

    def __str__(self) -> str:
        return self.title
