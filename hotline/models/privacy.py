"""Issue 16 item 8 (complainants protected): who of the centre read a confidential ticket's
citizen whole, when, and where. Written by hotline.services.identity, never changed; not on
the ticket's timeline (which units read and push delivers to them)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnly


class IdentityRead(AppendOnly):
    class Surface(models.TextChoices):
        PAGE = "page", _("工单页")
        API = "api", _("接口详情")
        API_LIST = "api_list", _("接口列表")
        CALLBACKS = "callbacks", _("回访列表")
        CALLER = "caller", _("来电历史")

    ticket = models.ForeignKey("hotline.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    # Who it was as the record was written: the account may be renamed or removed later.
    user_label = models.CharField(_("查看人（记录时）"), max_length=150)
    surface = models.CharField(_("查看位置"), max_length=20, choices=Surface.choices)
    created_at = models.DateTimeField(_("查看时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("保密件身份查看记录")
        verbose_name_plural = _("保密件身份查看记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_label} {self.ticket_id} {self.surface}"
