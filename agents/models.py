"""Village agents (代办员, issue 19 item 3; seed 004 Xinxing: 村级代办员 file for villagers
who cannot come to town). An AGENT user's profile ties them to a village and its town; every
ticket they file keeps a Filing: how the citizen consented and whether the agent hears of progress."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentProfile(models.Model):
    """Edited by the centre admin in the admin site; the role itself is the security
    administrator's (hotline.services.accounts)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("代办员账号"), on_delete=models.CASCADE,
        related_name="agent_profile", limit_choices_to={"role": "agent"},
    )
    village = models.CharField(_("村（社区）"), max_length=50)
    town = models.CharField(_("所属镇（街道）"), max_length=50, help_text=_("工单的所属区域"))
    is_active = models.BooleanField(_("在岗"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("代办员")
        verbose_name_plural = _("代办员")
        ordering = ["town", "village"]

    def __str__(self) -> str:
        return f"{self.user}（{self.town}{self.village}）"


class ConsentKind(models.TextChoices):
    SMS_CODE = "sms_code", _("短信验证码")
    ATTESTATION = "attestation", _("代办员承诺")


class ConsentCode(models.Model):
    """A 6-digit code sent to the citizen's phone: typing it in proves the citizen agreed.
    Only its hash is kept; attempts and resends are counted by hardening.ratelimit."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("市民手机"), max_length=20)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意验证码")
        verbose_name_plural = _("同意验证码")
        indexes = [models.Index(fields=["agent", "phone", "-created_at"], name="agent_consent_latest")]

    def __str__(self) -> str:
        return f"{self.agent} → {self.phone[:3]}****{self.phone[-4:]}"


class Filing(models.Model):
    """One ticket an agent filed for a citizen."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT,
                              related_name="agent_filings")
    ticket = models.OneToOneField("hotline.Ticket", verbose_name=_("工单"), on_delete=models.CASCADE,
                                  related_name="agent_filing")
    village = models.CharField(_("村（社区）"), max_length=50)
    town = models.CharField(_("所属镇（街道）"), max_length=50)
    consent = models.CharField(_("市民同意方式"), max_length=12, choices=ConsentKind.choices)
    code_verified_at = models.DateTimeField(_("验证码核验时间"), null=True, blank=True)
    attestation = models.TextField(_("代办员承诺说明"), blank=True)
    agent_notified = models.BooleanField(_("代办员接收进度短信"), default=True)
    agent_opted_out_at = models.DateTimeField(_("市民取消代办员短信时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("代办时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代办记录")
        verbose_name_plural = _("代办记录")
        indexes = [models.Index(fields=["agent", "created_at"], name="agent_filing_agent_created"),
                   models.Index(fields=["created_at"], name="agent_filing_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.agent}"
