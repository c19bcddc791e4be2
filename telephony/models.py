"""Telephone calls reported by the CTI system (来电), and the callback list of missed ones."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    class State(models.TextChoices):
        RINGING = "ringing", _("振铃中")
        ANSWERED = "answered", _("通话中")
        COMPLETED = "completed", _("已接听")
        MISSED = "missed", _("未接来电")

    call_id = models.CharField(_("通话编号"), max_length=64, unique=True)
    caller = models.CharField(_("主叫号码"), max_length=32, blank=True)
    called = models.CharField(_("被叫号码"), max_length=32, blank=True)
    extension = models.CharField(_("坐席分机"), max_length=20, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接听话务员"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RINGING)
    started_at = models.DateTimeField(_("来电时间"))
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("挂机时间"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("回拨时间"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回拨人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    callback_note = models.CharField(_("回拨说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("来电")
        verbose_name_plural = _("来电")
        indexes = [
            models.Index(fields=["state", "called_back_at", "started_at"], name="call_missed_list"),
            models.Index(fields=["caller", "started_at"], name="call_caller"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.caller}"
