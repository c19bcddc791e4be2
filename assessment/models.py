"""The assessment scheme (考核方案, versioned by month), the per-unit-day event rollup, and the
frozen scores of published months. docs/ASSESSMENT.md."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .indicators import CHOICES


class Scheme(models.Model):
    """A version of the rules. The scheme in force for month M is the one with the latest
    `valid_from` ≤ M. Once a published month used it, it is never changed (copy it instead)."""

    name = models.CharField(_("方案名称"), max_length=80)
    valid_from = models.DateField(_("起始月份"), unique=True,
                                  help_text=_("自该月起适用（填该月任一日，保存为当月1日），直到下一个版本的起始月份。"))
    note = models.TextField(_("说明"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.valid_from:%Y年%m月}起）"


class SchemeIndicator(models.Model):
    class Rule(models.TextChoices):
        LINEAR = "linear", _("按阈值线性计分")
        DEDUCT = "deduct", _("按件扣分（封顶）")
        BONUS = "bonus", _("按件加分（封顶）")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators",
                               verbose_name=_("考核方案"))
    code = models.CharField(_("指标"), max_length=24, choices=CHOICES)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=0,
                                 help_text=_("线性：满分；扣分：基础分（0 即从总分扣）；加分：基础分（一般为 0）"))
    rule = models.CharField(_("计分规则"), max_length=10, choices=Rule.choices, default=Rule.LINEAR)
    lower = models.DecimalField(_("下限(%)"), max_digits=6, decimal_places=2, null=True, blank=True,
                                help_text=_("线性：比率 ≤ 下限得 0 分（越低越好的指标：≤ 下限得满分）"))
    upper = models.DecimalField(_("上限(%)"), max_digits=6, decimal_places=2, null=True, blank=True,
                                help_text=_("线性：比率 ≥ 上限得满分（越低越好的指标：≥ 上限得 0 分）"))
    per_event = models.DecimalField(_("每件分值"), max_digits=6, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("封顶分值"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="scheme_indicator_once")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.get_rule_display()}"


class EventDailyStat(models.Model):
    """Per local day and unit: the events the assessment counts, by the day they happened
    (a lead dispatch, an accepted return, a reopen, an approved extension, a 督办), and the
    praise tickets registered that day with the unit as lead unit. Rebuilt day by day,
    set-based (assessment.rollup), like reports.rollup."""

    day = models.DateField()
    unit_id = models.BigIntegerField()
    lead_dispatched = models.IntegerField(default=0)
    returns = models.IntegerField(default=0)
    reopens = models.IntegerField(default=0)
    extensions = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    praised = models.IntegerField(default=0)

    COUNTS = ("lead_dispatched", "returns", "reopens", "extensions", "supervised", "praised")

    class Meta:
        verbose_name = _("考核事件日统计")
        verbose_name_plural = _("考核事件日统计")
        indexes = [models.Index(fields=["day", "unit_id"], name="assess_event_day_unit")]

    def __str__(self) -> str:
        return f"{self.day} unit={self.unit_id}"


class PublishedMonth(models.Model):
    """A month whose scores are frozen (发布). Its MonthScore rows are never recomputed."""

    month = models.DateField(_("月份"), unique=True)  # the 1st
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="published_months",
                               verbose_name=_("考核方案"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("发布人"))
    # Earlier published months whose late changes this month took in (docs/ASSESSMENT.md).
    carried_from = models.JSONField(_("计入的以往月份变动"), default=list, blank=True)

    class Meta:
        verbose_name = _("已发布考核月份")
        verbose_name_plural = _("已发布考核月份")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}"


class MonthScore(models.Model):
    published = models.ForeignKey(PublishedMonth, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey("hotline.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=100)
    score = models.DecimalField(max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField()
    indicators = models.JSONField(default=dict)  # code -> {label, value, points, ...}
    counts = models.JSONField(default=dict)  # the counts the indicators were computed from

    class Meta:
        verbose_name = _("月度考核得分")
        verbose_name_plural = _("月度考核得分")
        ordering = ["rank", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["published", "unit"], name="month_score_once")]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.score}"


class CountLedger(models.Model):
    """What of a month's counts is already in published scores: per source month and raw unit, the
    counts as they stood at the last publication that took them in. The next month's computation
    adds what changed since (the late events). One column per count (assessment.counting
    COUNT_NAMES) so that the carry sums them in SQL."""

    source_month = models.DateField()
    unit_id = models.BigIntegerField()
    counts = models.JSONField(default=dict)  # unused since 0002 (kept: the first migration had it)
    dispatched = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    signed_on_time = models.IntegerField(default=0)
    valid_callbacks = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    lead_dispatched = models.IntegerField(default=0)
    returns = models.IntegerField(default=0)
    reopens = models.IntegerField(default=0)
    extensions = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    praised = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source_month", "unit_id"], name="count_ledger_once")]

    def __str__(self) -> str:
        return f"{self.source_month} unit={self.unit_id}"
