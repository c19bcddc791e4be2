"""Bulletin templates (edited by the centre in the admin) and the bulletins generated from them."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DAILY = "daily", _("日报")
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")


class Section(models.TextChoices):
    VOLUME = "volume", _("受理量")
    CHANNELS = "channels", _("来源渠道")
    CATEGORIES = "categories", _("诉求分类与热点")
    KPIS = "kpis", _("办理质效指标")
    RANKING = "ranking", _("单位排名与考核得分")
    RED_UNITS = "red_units", _("红灯单位")
    CASES = "cases", _("典型案例")


ALL_SECTIONS = [s.value for s in Section]


def default_sections() -> list[str]:
    return list(ALL_SECTIONS)


class BulletinTemplate(models.Model):
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=100, help_text=_("如：12345热线工作日报"))
    intro = models.TextField(_("导语"), blank=True)
    outro = models.TextField(_("结束语"), blank=True)
    sections = models.JSONField(_("包含栏目"), default=default_sections,
                                help_text=_("栏目代码：volume, channels, categories, kpis, ranking, red_units, cases"))
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                        verbose_name=_("接收人（用户）"))
    phones = models.TextField(_("接收手机号"), blank=True, help_text=_("每行一个"))
    is_active = models.BooleanField(_("按期自动生成"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("通报模板")
        verbose_name_plural = _("通报模板")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def phone_list(self) -> list[str]:
        return [line.strip() for line in self.phones.splitlines() if line.strip()]


def bulletin_path(instance, filename: str) -> str:
    return f"bulletins/{instance.kind}/{filename}"


class Bulletin(models.Model):
    template = models.ForeignKey(BulletinTemplate, on_delete=models.PROTECT, related_name="bulletins",
                                 verbose_name=_("模板"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("统计起始日"))
    period_end = models.DateField(_("统计截止日"))
    period_label = models.CharField(_("统计期"), max_length=40)
    title = models.CharField(_("标题"), max_length=150)
    pdf = models.FileField(_("PDF"), upload_to=bulletin_path, blank=True)
    xlsx = models.FileField(_("Excel"), upload_to=bulletin_path, blank=True)
    figures = models.JSONField(_("主要数字"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("生成人"))
    revision = models.PositiveIntegerField(_("生成次数"), default=1)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-period_start", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "period_start"], name="bulletin_once_per_period")]
        indexes = [models.Index(fields=["kind", "-period_start"], name="bulletin_kind_period")]

    def __str__(self) -> str:
        return self.title
