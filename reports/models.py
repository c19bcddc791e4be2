"""Rollups behind the reports, hot-topic keyword counts, and versioned classifier models.

Reports never scan the ticket table per request: `DailyStat` holds one row per
(registration day, lead unit, channel, type, category) with the counts every KPI
needs, refreshed set-based by `reports.rollup`. See docs/REPORTS.md for the
definition of each count and KPI.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyStat(models.Model):
    """Counts over the tickets registered on `day` (受理日口径), per dimension combination.

    Unit is the ticket's current lead unit (the unit accountable for it); tickets
    never dispatched have none. Category ids are denormalised to each level so a
    breakdown by any level is one GROUP BY.
    """

    day = models.DateField()
    unit_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=10)
    ticket_type = models.CharField(max_length=16)
    category_id = models.BigIntegerField(null=True)
    cat1_id = models.BigIntegerField(null=True)
    cat2_id = models.BigIntegerField(null=True)

    received = models.IntegerField(default=0)  # registered that day
    direct_answered = models.IntegerField(default=0)  # closed by the hotline itself (直接答复)
    dispatched = models.IntegerField(default=0)  # ever dispatched to a unit
    closed = models.IntegerField(default=0)  # dispatched and now closed
    due = models.IntegerField(default=0)  # dispatched and closed, or open past its deadline
    closed_on_time = models.IntegerField(default=0)  # closed with the reply inside the limit
    signed_on_time = models.IntegerField(default=0)  # signed before the signing deadline
    callback_due = models.IntegerField(default=0)  # tickets that got a callback survey
    called_back = models.IntegerField(default=0)  # tickets with at least one answered survey
    valid_callbacks = models.IntegerField(default=0)  # answered surveys
    satisfied = models.IntegerField(default=0)  # 满意 + 基本满意
    resolved = models.IntegerField(default=0)  # answered surveys saying the problem was solved
    open_now = models.IntegerField(default=0)  # still open at refresh time

    class Meta:
        verbose_name = _("日统计")
        verbose_name_plural = _("日统计")
        indexes = [
            models.Index(fields=["day"], name="dailystat_day"),
            models.Index(fields=["unit_id", "day"], name="dailystat_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} unit={self.unit_id} {self.channel}/{self.ticket_type}: {self.received}"


class RollupState(models.Model):
    """One row: when the rollups were last refreshed and up to which moment."""

    name = models.CharField(max_length=40, primary_key=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # Events at or after this instant (minus an overlap) mark their tickets' days dirty.
    watermark = models.DateTimeField(null=True, blank=True)
    days_refreshed = models.IntegerField(default=0)
    duration_ms = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.refreshed_at}"


class KeywordDaily(models.Model):
    """How many tickets registered on `day` (in an area and first-level category) carry `term`."""

    day = models.DateField()
    term = models.CharField(max_length=40)
    area = models.CharField(max_length=50, blank=True, default="")
    cat1_id = models.BigIntegerField(null=True)
    count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "term"], name="keyword_day_term")]

    def __str__(self) -> str:
        return f"{self.day} {self.term} ×{self.count}"


class ClassifierModel(models.Model):
    """A trained classifier, stored as a file under var/models/ and described here."""

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(_("训练数据"), max_length=200)
    samples = models.PositiveIntegerField(_("样本数"), default=0)
    labels = models.JSONField(_("类别"), default=list)
    metrics = models.JSONField(_("评估"), default=dict)
    path = models.CharField(max_length=300)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分类模型")
        verbose_name_plural = _("分类模型")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.samples})"
