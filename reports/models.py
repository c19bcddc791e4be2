"""Rollups behind the reports, hot-topic keyword counts, and versioned classifier models.

Reports never scan the ticket table per request: `DailyStat` holds one row per
(registration day, lead unit, channel, type, category) with the counts every KPI
needs, refreshed set-based by `reports.rollup`. See docs/REPORTS.md for the
definition of each count and KPI.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Counts(models.Model):
    """The counts every KPI is made of (definitions in docs/REPORTS.md and reports.kpis)."""

    day = models.DateField()
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
    # 挂起 (issue 16, item 4): approved suspensions of these tickets; those suspended at refresh time.
    suspensions = models.IntegerField(default=0)
    suspended_now = models.IntegerField(default=0)
    # 办结审核 (issue 16 item 3): the centre's decisions on the tickets' lead replies.
    reviewed = models.IntegerField(default=0)  # replies approved or sent back
    sent_back = models.IntegerField(default=0)  # replies sent back (退回重办)

    # The dimension columns a table has (besides day); queries pick the smallest table
    # that has every column they filter or group on.
    DIMENSIONS: frozenset = frozenset()

    class Meta:
        abstract = True


class DailyStat(Counts):
    """The finest rollup: one row per (registration day, lead unit, channel, type, category),
    counting the tickets registered that day (受理日口径) as they stand at refresh time.

    Unit is the ticket's current lead unit (the unit accountable for it); tickets
    never dispatched have none. Category ids are denormalised to each level so a
    breakdown by any level is one GROUP BY. The coarser rollups below are summed from it.
    """

    unit_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=10)
    ticket_type = models.CharField(max_length=16)
    category_id = models.BigIntegerField(null=True)
    cat1_id = models.BigIntegerField(null=True)
    cat2_id = models.BigIntegerField(null=True)

    DIMENSIONS = frozenset({"unit_id", "channel", "ticket_type", "cat1_id", "cat2_id", "category_id"})

    class Meta:
        verbose_name = _("日统计")
        verbose_name_plural = _("日统计")
        indexes = [
            models.Index(fields=["day"], name="dailystat_day"),
            models.Index(fields=["unit_id", "day"], name="dailystat_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} unit={self.unit_id} {self.channel}/{self.ticket_type}: {self.received}"


class DailyCube(Counts):
    """Per day, unit, channel, type and first-level category (unit-filtered breakdowns)."""

    unit_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=10)
    ticket_type = models.CharField(max_length=16)
    cat1_id = models.BigIntegerField(null=True)

    DIMENSIONS = frozenset({"unit_id", "channel", "ticket_type", "cat1_id"})

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="dailycube_day"),
            models.Index(fields=["unit_id", "day"], name="dailycube_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} unit={self.unit_id}: {self.received}"


class DailyUnitStat(Counts):
    """Per day and unit: the unit ranking and unit totals (a few dozen rows a day)."""

    unit_id = models.BigIntegerField(null=True)

    DIMENSIONS = frozenset({"unit_id"})

    class Meta:
        indexes = [models.Index(fields=["day", "unit_id"], name="dailyunit_day_unit")]

    def __str__(self) -> str:
        return f"{self.day} unit={self.unit_id}: {self.received}"


class DailyDimStat(Counts):
    """Per day, channel, type and first-level category: the city-wide dashboard."""

    channel = models.CharField(max_length=10)
    ticket_type = models.CharField(max_length=16)
    cat1_id = models.BigIntegerField(null=True)

    DIMENSIONS = frozenset({"channel", "ticket_type", "cat1_id"})

    class Meta:
        indexes = [models.Index(fields=["day"], name="dailydim_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}/{self.ticket_type}: {self.received}"


COUNT_FIELDS = [f.name for f in Counts._meta.fields if f.name not in ("id", "day")]

# Smallest first: a query uses the first table that has every dimension it needs.
ROLLUPS = [DailyUnitStat, DailyDimStat, DailyCube, DailyStat]


# --- issue 16 items 5 and 6: co-units' and sub-units' parts, per unit ---

class DailyPartStat(models.Model):
    """Per registration day and unit: its parts as a co-unit (with their own deadlines), the
    tickets it handed down to sub-units (二级派单) and the parts it received as a sub-unit.
    Refreshed with the other rollups (reports.rollup), set-based from dispatch_assignment."""

    day = models.DateField()
    unit_id = models.BigIntegerField()
    co_parts = models.IntegerField(default=0)  # co-unit parts (not withdrawn by a re-dispatch)
    co_due = models.IntegerField(default=0)  # answered, ended unanswered, or open past their own deadline
    co_on_time = models.IntegerField(default=0)  # answered by their own deadline
    handed_down = models.IntegerField(default=0)  # tickets the unit handed down to a sub-unit
    sub_parts = models.IntegerField(default=0)  # parts handed down to the unit by its parent

    COUNTS = ("co_parts", "co_due", "co_on_time", "handed_down", "sub_parts")

    class Meta:
        verbose_name = _("协办与二级派单日统计")
        verbose_name_plural = _("协办与二级派单日统计")
        indexes = [models.Index(fields=["day"], name="dailypart_day"),
                   models.Index(fields=["unit_id", "day"], name="dailypart_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} unit={self.unit_id}: 协办{self.co_parts} 转下级{self.handed_down}"

# --- end issue 16 items 5 and 6 ---


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
    # True: the city-wide count of the term that day (area and category ignored), so the
    # default view sums a few thousand rows a day instead of every area × category cell.
    is_total = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["day", "term"], name="keyword_day_term"),
            models.Index(fields=["is_total", "day"], name="keyword_total_day"),
        ]

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


class DuplicateSuggestion(models.Model):
    """疑似重复: a newly registered ticket looks like an older open one (any channel). The board
    offers one-click 并单 (the new ticket goes into the older) or 不是重复; the ticket page lists
    them. Rows whose tickets closed meanwhile simply stop being shown."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        MERGED = "merged", _("已并单")
        DISMISSED = "dismissed", _("不是重复")

    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="duplicate_suggestions",
                               verbose_name=_("新工单"))
    candidate = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("疑似重复的工单"))
    score = models.FloatField(_("相似度"))
    reasons = models.JSONField(_("依据"), default=list)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decided_by = models.ForeignKey("hotline.User", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("疑似重复工单")
        verbose_name_plural = _("疑似重复工单")
        constraints = [models.UniqueConstraint(fields=["ticket", "candidate"], name="dup_suggestion_pair")]
        indexes = [models.Index(fields=["state", "-created_at"], name="dup_suggestion_open"),
                   models.Index(fields=["candidate", "state"], name="dup_suggestion_candidate")]

    def __str__(self) -> str:
        return f"{self.ticket_id} ~ {self.candidate_id}"
