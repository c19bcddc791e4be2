"""What authentication remembers: failure counters (when there is no Redis), locks, the
password history, and TOTP enrolments."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ACCOUNT = "account", _("账号")
    ADDRESS = "address", _("来源地址")


class FailureCounter(models.Model):
    """Recent failed logins of one account or address: the database store, used when REDIS_URL
    is unset (with Redis the counters live there, with a TTL)."""

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=150)
    failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="accounts_counter_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.failures}"


class Lockout(models.Model):
    """A lock of an account or a client address. Always in the database, with or without Redis:
    every process reads it on each login attempt, and the security administrators list it."""

    scope = models.CharField(_("对象"), max_length=10, choices=Scope.choices)
    key = models.CharField(_("账号或地址"), max_length=150)
    locked_at = models.DateTimeField(_("锁定时间"), auto_now_add=True)
    locked_until = models.DateTimeField(_("锁定至"), db_index=True)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解锁人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        indexes = [models.Index(fields=["scope", "key", "locked_until"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key}"


class PasswordRecord(models.Model):
    """A password a user had (its hash only), newest last: refuses reuse and dates the current one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-set_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.set_at:%Y-%m-%d}"


class TotpDevice(models.Model):
    """A user's authenticator app. Confirmed once a first code from it was accepted."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_counter = models.BigIntegerField(default=0)  # a code is accepted once (no replay)

    def __str__(self) -> str:
        return f"{self.user_id} TOTP"
